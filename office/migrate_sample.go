package office

import (
	"context"
	"fmt"
	"time"

	"tian"
)

// SampleStore is a store with everything an office writes: proposals and
// their batches, tokens and sessions, curated groups.
type SampleStore interface {
	Store
	tian.TokenStore
	tian.GroupStore
}

// Sample is what FillSample wrote beyond the demo corpus, for checking a
// copy: a token's secret and a session's, and the batches it imported.
type Sample struct {
	TokenSecret   string
	SessionSecret string
	// Reply is a batch that updated a proposal (Number) with a reply and
	// a new co-handling unit; Undone is a batch that was undone.
	Reply, Undone int64
	Number        string
	Year          int
}

// FillSample loads the demo corpus into an empty store and adds a little
// of every kind of work on it, so that every table of the store has rows:
// a used token and a revoked one, a browser session, a reviewer's
// verdict, the committee's words, a year's groups confirmed, a grouping
// tuning, an import that updated a proposal (and created a unit) and one
// that was undone. Tests of whole-store copies (Migrate) fill their
// source with it, on any engine.
func FillSample(ctx context.Context, db SampleStore) (*Sample, error) {
	if loaded, err := LoadDemo(ctx, db); err != nil || !loaded {
		if err == nil {
			err = tian.Errorf(tian.EINVALID, "样例只能填入空的数据库")
		}
		return nil, err
	}
	all, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return nil, err
	}
	s := &Sample{Year: all[len(all)-1].Year}
	var filed []*tian.Proposal
	for _, p := range all {
		if p.Year == s.Year && p.Status == tian.StatusFiled && p.LeadUnit != "" && p.Category != "" {
			filed = append(filed, p)
		}
	}
	if len(filed) < 3 {
		return nil, tian.Errorf(tian.EINTERNAL, "演示语料 %d 年的立案提案只有 %d 件，样例需要 3 件", s.Year, len(filed))
	}
	secret, tok, err := db.CreateToken(ctx, "王科长", tian.RoleStaff, "admin")
	if err != nil {
		return nil, err
	}
	if _, err := db.Authenticate(ctx, secret); err != nil { // sets last_used
		return nil, err
	}
	_, old, err := db.CreateToken(ctx, "2023年临时导入账号", tian.RoleStaff, "admin")
	if err != nil {
		return nil, err
	}
	if err := db.RevokeToken(ctx, old.ID, "admin"); err != nil {
		return nil, err
	}
	s.TokenSecret = secret
	if s.SessionSecret, err = db.CreateSession(ctx, tok.ID, 8*time.Hour); err != nil {
		return nil, err
	}
	p := filed[0]
	if _, err := db.AddFeedback(ctx, tian.Feedback{Number: p.Number, Kind: "category", Suggested: p.Category,
		Chosen: p.Category, Accepted: true, ModelVersion: "demo", Actor: "reviewer:李审"}); err != nil {
		return nil, err
	}
	if _, err := db.AddFeedback(ctx, tian.Feedback{Kind: "lead_unit", Suggested: "市教育局", Chosen: p.LeadUnit,
		Text: "关于推进中小学课后服务提质的提案", Actor: "reviewer:李审"}); err != nil {
		return nil, err
	}
	if _, err := db.DecideWords(ctx, []tian.Word{{Word: "嵌入式养老", Status: tian.WordAccepted, Note: "新词发现：出现12次"},
		{Word: "的建议", Status: tian.WordRejected}}, "staff:张"); err != nil {
		return nil, err
	}
	y, err := db.SaveYearGroups(ctx, s.Year, []tian.CuratedGroup{{Name: "并案示例：" + filed[1].Title,
		Members: []string{filed[1].Number, filed[2].Number}, LeadUnit: filed[1].LeadUnit}}, 0, "staff:张")
	if err != nil {
		return nil, err
	}
	if _, err := db.ConfirmYearGroups(ctx, s.Year, y.Version, "staff:张"); err != nil {
		return nil, err
	}
	if err := db.SaveGroupTuning(ctx, tian.GroupTuning{Threshold: 0.4375, Years: []int{s.Year - 1, s.Year}, F1: 0.8125,
		Previous: 0.5, PreviousF1: 0.75, Scale: "demo"}, "staff:张"); err != nil {
		return nil, err
	}
	reply := *p
	reply.Reply = "已会同相关部门研究落实，年内完成试点。"
	reply.ReplyDate = fmt.Sprintf("%d-09-30", s.Year)
	reply.CoUnits = append(append([]string{}, p.CoUnits...), "市低空经济发展服务中心")
	if s.Reply, err = importOne(ctx, db, reply, "答复汇总.xlsx"); err != nil {
		return nil, err
	}
	s.Number = p.Number
	added := tian.Proposal{Number: fmt.Sprintf("%d9901", s.Year), Year: s.Year, Title: "关于误导入的测试提案",
		Body: "导入后即撤销。", Proposer: "张三", ProposerType: tian.ProposerMember, Status: tian.StatusFiled}
	if s.Undone, err = importOne(ctx, db, added, "误导入.xlsx"); err != nil {
		return nil, err
	}
	if _, err := db.UndoBatch(ctx, s.Undone, "staff:张"); err != nil {
		return nil, err
	}
	return s, nil
}

// importOne imports p from file as a batch of its own, creating units.
func importOne(ctx context.Context, db Store, p tian.Proposal, file string) (int64, error) {
	rep, err := db.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: file, Actor: "staff:张", NewUnits: true, Strict: true})
	if err != nil {
		return 0, err
	}
	if !rep.Committed || rep.Batch == 0 {
		return 0, tian.Errorf(tian.EINTERNAL, "导入 %s 未生成批次：%+v", p.Number, rep)
	}
	return rep.Batch, nil
}
