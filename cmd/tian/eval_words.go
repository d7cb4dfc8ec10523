package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/segment"
	"tian/vocab"
)

// evalWordsCmd measures new-word discovery by an ablation: the domain
// dictionary's terms that occur at least --min times in the proposals are
// removed, and discovery should find them again.
type evalWordsCmd struct {
	m      *Main
	judged string
	min    int
	json   bool
}

func (c *evalWordsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "words",
		Short:   "新词发现质量：从领域词典中去掉在提案中出现不少于 --min 次的词，看新词发现能找回多少（前100、前300的召回率），以及前100名中真词的比例",
		Example: `  tian demo && tian eval words --judged testdata/vocab_judged.tsv`,
		Args:    noArgs,
		RunE:    c.run,
	}
	cmd.Flags().StringVar(&c.judged, "judged", "", "人工评判过的候选词表（序号、候选词、1/0、理由），用于计算精确率")
	cmd.Flags().IntVar(&c.min, "min", 3, "从领域词典中去掉出现不少于此次数的词")
	cmd.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

// wordsEval is what `tian eval words` reports.
type wordsEval struct {
	Proposals  int     `json:"proposals"`
	Removed    int     `json:"removed"`     // terms removed from the domain dictionary
	StillKnown int     `json:"still_known"` // of them, still words through zh_s: not counted
	Targets    int     `json:"targets"`
	Candidates int     `json:"candidates"`
	Recall100  float64 `json:"recall_at_100"`
	Recall300  float64 `json:"recall_at_300"`
	Recall1000 float64 `json:"recall_at_1000"`
	// Precision100 and Precision300 count a candidate the judged list
	// lacks as no word; Unjudged100 counts them in the top 100.
	Precision100 *float64 `json:"precision_at_100,omitempty"`
	Precision300 *float64 `json:"precision_at_300,omitempty"`
	Unjudged100  int      `json:"unjudged_in_top_100"`
	Seconds      float64  `json:"seconds"`
}

func (c *evalWordsCmd) run(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	var judged map[string]bool
	if c.judged != "" {
		f, err := os.Open(c.judged)
		if err != nil {
			return fileError("评判表", c.judged, err)
		}
		judged, err = vocab.ReadJudged(c.judged, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if c.min < 1 {
		return tian.Errorf(tian.EINVALID, "--min 应至少为 1，收到 %d", c.min)
	}
	db, err := c.m.Store(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return tian.Errorf(tian.EINVALID, "数据目录 %s 中没有提案：先导入提案或运行 tian demo", c.m.DataDir)
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.Text()
	}
	// the full default, without this office's own words: they would hide
	// the terms the ablation removes
	full, err := segment.New(segment.DefaultConfig())
	if err != nil {
		return err
	}
	ab, err := vocab.Ablate(full, texts, c.min)
	if err != nil {
		return err
	}
	ev := wordsEval{Proposals: len(ps), Removed: len(ab.Removed), StillKnown: ab.StillKnown, Targets: len(ab.Targets)}
	start := time.Now()
	cands, err := ab.Discover(ctx, texts, vocab.Options{Limit: 100000})
	if err != nil {
		return err
	}
	ev.Seconds = time.Since(start).Seconds()
	ev.Candidates = len(cands)
	ev.Recall100, ev.Recall300, ev.Recall1000 = vocab.RecallAt(cands, ab.Targets, 100), vocab.RecallAt(cands, ab.Targets, 300), vocab.RecallAt(cands, ab.Targets, 1000)
	if judged != nil {
		p100, unjudged := vocab.PrecisionAt(cands, judged, 100)
		p300, _ := vocab.PrecisionAt(cands, judged, 300)
		ev.Precision100, ev.Precision300, ev.Unjudged100 = &p100, &p300, len(unjudged)
	}
	if c.json {
		return printJSON(c.m.Stdout, ev)
	}
	w := c.m.Stdout
	fmt.Fprintf(w, "%d 件提案；领域词典去掉出现不少于 %d 次的词 %d 个，其中 %d 个仍在 zh_s 中（不计），待找回 %d 个；候选词 %d 个（%.1f 秒）\n",
		ev.Proposals, c.min, ev.Removed, ev.StillKnown, ev.Targets, ev.Candidates, ev.Seconds)
	fmt.Fprintf(w, "召回率：前100 %.3f，前300 %.3f，前1000 %.3f\n", ev.Recall100, ev.Recall300, ev.Recall1000)
	if judged != nil {
		fmt.Fprintf(w, "精确率（评判表 %s）：前100 %.3f（%d 个未评判，按非词计），前300 %.3f\n", c.judged, *ev.Precision100, ev.Unjudged100, *ev.Precision300)
	}
	return nil
}
