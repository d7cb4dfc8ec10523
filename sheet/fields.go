package sheet

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"tian"
)

// Field describes one proposal field: its JSON name, the header tian
// writes on export, and the headers it recognises on import.
type Field struct {
	Name    string
	Header  string
	Aliases []string
}

// Fields are the columns of a proposal table, in export order. The
// aliases are the headers offices and public data sets use.
var Fields = []Field{
	{"number", "提案号", []string{"提案号", "编号", "提案编号", "案号", "序号", "留言编号", "replyID", "id"}},
	{"year", "年度", []string{"年度", "年份", "年"}},
	{"session", "届次", []string{"届次", "会次", "届别", "会议"}},
	{"title", "标题", []string{"标题", "案由", "提案名称", "提案标题", "题目", "名称", "留言主题", "主题"}},
	{"body", "内容", []string{"内容", "正文", "提案内容", "具体内容", "提案正文", "留言详情", "详情"}},
	{"proposer", "提案人", []string{"提案人", "第一提案人", "提出者", "提案者", "领衔人", "领衔提案人", "提案单位", "留言用户"}},
	{"proposer_type", "提案人类型", []string{"提案人类型", "提案形式", "提案方式", "提案类型"}},
	{"sector", "界别", []string{"界别", "所属界别"}},
	{"category", "类别", []string{"类别", "分类", "提案类别", "提案分类", "一级分类", "类型"}},
	{"lead_unit", "主办单位", []string{"主办单位", "承办单位", "主办", "办理单位", "牵头单位"}},
	{"co_units", "协办单位", []string{"协办单位", "会办单位", "协办", "会办", "配合单位"}},
	{"status", "状态", []string{"状态", "立案状态", "审查结果", "审查意见", "处理结果"}},
	{"status_reason", "不予立案理由", []string{"不予立案理由", "不立案理由", "理由", "状态说明"}},
	{"merged_into", "并入提案号", []string{"并入提案号", "并案至", "并入", "主提案号"}},
	{"reply", "办理答复", []string{"办理答复", "答复", "答复意见", "答复内容", "办理结果", "复文"}},
	{"submitted", "提交日期", []string{"提交日期", "提交时间", "提出日期", "日期", "时间", "留言时间"}},
	{"reply_date", "答复日期", []string{"答复日期", "答复时间", "办结日期"}},
}

// knownHeaders are the headers some field takes without a mapping: the
// JSON names and the aliases.
var knownHeaders = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range Fields {
		m[f.Name] = true
		for _, a := range f.Aliases {
			m[a] = true
		}
	}
	return m
}()

// required are the fields every proposal table must have.
var required = []string{"number", "title"}

// fieldByName returns the field with the given JSON name.
func fieldByName(name string) (Field, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// ParseMapping parses --map overrides of the form field=header.
func ParseMapping(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range pairs {
		field, header, ok := strings.Cut(p, "=")
		if _, known := fieldByName(strings.TrimSpace(field)); !ok || !known {
			return nil, tian.Errorf(tian.EINVALID, "--map %q 格式不对：应为 field=表头，field 可选 %s", p, fieldNames())
		}
		m[strings.TrimSpace(field)] = cleanHeader(header)
	}
	return m, nil
}

func fieldNames() string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// mapping resolves fields to headers: an explicit override first, then
// the JSON name, then the aliases in order. An override with an empty
// header (--map category=) reads the field from no column.
func mapping(headers []string, overrides map[string]string) map[string]string {
	have := map[string]bool{}
	for _, h := range headers {
		have[h] = true
	}
	out := map[string]string{}
	used := map[string]bool{}
	for _, f := range Fields {
		if h, ok := overrides[f.Name]; ok && h != "" {
			out[f.Name], used[h] = h, true
		}
	}
	for _, f := range Fields {
		if _, done := overrides[f.Name]; done {
			continue
		}
		for _, h := range append([]string{f.Name}, f.Aliases...) {
			if have[h] && !used[h] {
				out[f.Name], used[h] = h, true
				break
			}
		}
	}
	return out
}

// missingRequired lists the required fields the mapping lacks, with the
// headers that would have served.
func missingRequired(m map[string]string, headers []string) error {
	var missing []string
	for _, name := range required {
		if _, ok := m[name]; !ok {
			f, _ := fieldByName(name)
			missing = append(missing, fmt.Sprintf("%s（表头可为：%s）", f.Header, strings.Join(f.Aliases, "、")))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sorted := append([]string(nil), headers...)
	sort.Strings(sorted)
	return fmt.Errorf("缺少必需的列：%s；文件的表头为 %s；可用 --map %s=表头 指定",
		strings.Join(missing, "，"), strings.Join(sorted, "、"), required[0])
}

var unitSep = regexp.MustCompile(`[、，,；;/／\s]+`)

// splitUnits splits a cell listing units.
func splitUnits(s string) []string {
	var out []string
	for _, u := range unitSep.Split(strings.TrimSpace(s), -1) {
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}

var yearRe = regexp.MustCompile(`^(\d{4})(?:\.0+)?\s*年?(?:度)?$`)

func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	m := yearRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("“%s”不是年份", s)
	}
	return strconv.Atoi(m[1])
}

var dateLayouts = []string{
	"2006-01-02", "2006-1-2", "2006/1/2", "2006/01/02", "2006.1.2", "2006年1月2日",
	"2006-01-02 15:04:05", "2006-1-2 15:04:05", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006-01-02 15:04",
	"2006-01-02T15:04:05Z07:00", "2006年1月2日 15:04",
}

// excelEpoch is day 0 of Excel's 1900 date system (with its leap-year bug
// folded in: serials from 61 on count from 1899-12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date in the usual written forms or as an Excel serial
// number, returning YYYY-MM-DD.
func parseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 61 || v > 2958465 || math.IsNaN(v) {
			return "", fmt.Errorf("“%s”不是日期", s)
		}
		return excelEpoch.AddDate(0, 0, int(v)).Format("2006-01-02"), nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("“%s”不是可识别的日期（如2024-01-15、2024/1/15或Excel日期）", s)
}
