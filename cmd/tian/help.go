package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// usageTemplate is cobra's default usage template with its headings in
// Chinese, as every other text users see.
const usageTemplate = `用法：{{if .Runnable}}
  {{zhUseLine .UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [命令]{{end}}{{if gt (len .Aliases) 0}}

别名：
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例：
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

命令：{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

选项：
{{zhFlags .LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

全局选项：
{{zhFlags .InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

用 "{{.CommandPath}} [命令] --help" 查看命令的详细说明。{{end}}
`

func init() {
	cobra.AddTemplateFunc("zhUseLine", func(s string) string { return strings.Replace(s, " [flags]", " [选项]", 1) })
	cobra.AddTemplateFunc("zhFlags", zhFlags)
}

// zhFlags rewrites pflag's "(default x)" at the end of a flag's line as
// "（默认 x）".
func zhFlags(usages string) string {
	lines := strings.Split(usages, "\n")
	for i, l := range lines {
		if j := strings.LastIndex(l, " (default "); j >= 0 && strings.HasSuffix(l, ")") {
			lines[i] = l[:j] + "（默认 " + l[j+len(" (default "):len(l)-1] + "）"
		}
	}
	return strings.Join(lines, "\n")
}

// localize puts cobra's own texts into Chinese: the usage template, the
// help flag of every command, and the help and completion commands it adds.
func localize(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().BoolP("help", "h", false, "显示 "+c.Name()+" 的帮助")
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Use = "help [命令]"
			c.Short = "显示任一命令的帮助"
			c.Long = "显示任一命令的帮助：tian help [命令路径]"
		case "completion":
			c.Short = "生成指定 shell 的自动补全脚本"
			c.Long = "生成 tian 在指定 shell 中的自动补全脚本；各子命令的帮助说明如何使用生成的脚本。"
			for _, sh := range c.Commands() {
				sh.Short = "生成 " + sh.Name() + " 的自动补全脚本"
				if f := sh.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "补全时不显示说明"
				}
			}
		}
	}
}

// The positional-argument checks of the commands, with Chinese messages;
// like cobra's, their errors carry no tian code.

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s 不接受参数，收到 %q", cmd.CommandPath(), args[0])
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s 需要 %d 个参数，收到 %d 个", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

func minimumArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return fmt.Errorf("%s 至少需要 %d 个参数，收到 %d 个", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

func maximumArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return fmt.Errorf("%s 最多接受 %d 个参数，收到 %d 个", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}
