package classify

import (
	"math"
	"sort"

	"tian"
)

// ReliabilityBin is one bin of a reliability table: the predictions
// whose probability is in [Lo, Hi), their mean probability and the share
// of them that came true (for filing advice, the probability of not
// filing and the share not filed; for a category, the top probability
// and the share right).
type ReliabilityBin struct {
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	N        int     `json:"n"`
	MeanProb float64 `json:"mean_prob"`
	Observed float64 `json:"observed"`
}

// FilingEval is the quality of filing advice on proposals whose decision
// is known, beside the baseline that files everything.
type FilingEval struct {
	N        int     `json:"n"`
	NotFiled int     `json:"not_filed"`
	RejectAt float64 `json:"reject_at"`
	FileAt   float64 `json:"file_at"`
	// Flagged are the texts advised 不予立案; Precision and Recall are of
	// 不予立案 at RejectAt.
	Flagged   int     `json:"flagged"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// FileShare are the texts advised 立案, FilePrecision the share of them
	// filed; Abstain is the share advised 无法判断.
	FileShare     float64 `json:"file_share"`
	FilePrecision float64 `json:"file_precision"`
	Abstain       float64 `json:"abstain"`
	// Accuracy counts 不予立案 at RejectAt and 立案 below it.
	Accuracy float64 `json:"accuracy"`
	AUC      float64 `json:"auc"`
	// Reason accuracy on the correctly flagged texts, and on all the not
	// filed ones.
	ReasonN       int     `json:"reason_n"`
	ReasonTop1    float64 `json:"reason_top1"`
	ReasonTop2    float64 `json:"reason_top2"`
	ReasonAllN    int     `json:"reason_all_n"`
	ReasonAllTop1 float64 `json:"reason_all_top1"`
	ReasonAllTop2 float64 `json:"reason_all_top2"`
	// ReasonMisses are the not-filed texts whose reason came second or
	// lower, by true reason class and the class put first, most first.
	ReasonMisses []ReasonMiss `json:"reason_misses"`
	// Calibration: Brier score and expected calibration error over 10
	// equal-width bins of the probability of not filing.
	Brier       float64          `json:"brier"`
	ECE         float64          `json:"ece"`
	Reliability []ReliabilityBin `json:"reliability"`
	// The baseline files everything and gives every text the training
	// data's not-filed share as its probability.
	BaseRate         float64 `json:"base_rate"`
	BaselineAccuracy float64 `json:"baseline_accuracy"`
	BaselineBrier    float64 `json:"baseline_brier"`
	BaselineECE      float64 `json:"baseline_ece"`
}

// ReasonMiss counts the not-filed texts of reason class Reason (a lead
// clause) whose most likely reason was TakenFor.
type ReasonMiss struct {
	Reason   string `json:"reason"`
	TakenFor string `json:"taken_for"`
	N        int    `json:"n"`
}

// filingPred is one text's prediction and truth.
type filingPred struct {
	p      float64 // of not filing
	y      int     // 1 = not filed
	ranked []int   // reason classes, best first
	reason int     // the true reason class, -1 if filed or unknown
}

// EvaluateFiling advises on each proposal with a decision (立案, 并案 or
// 不予立案) and scores the advice against it.
func EvaluateFiling(m *FilingModel, test []*tian.Proposal) FilingEval {
	var preds []filingPred
	for _, p := range test {
		if !p.Filed() && p.Status != tian.StatusRejected {
			continue
		}
		x := m.features(p.Title, p.Body)
		fp := filingPred{p: sigmoid(m.PlattA*logOdds(m.filing, x) + m.PlattB), reason: -1}
		if rp := m.reasonProbs(x); rp != nil {
			fp.ranked = topK(rp, len(rp))
		}
		if p.Status == tian.StatusRejected {
			fp.y, fp.reason = 1, m.reasonIndex(p.StatusReason)
		}
		preds = append(preds, fp)
	}
	e := scoreFiling(preds, m.RejectAt, m.FileAt, float64(m.Rejected)/float64(max(m.Trained, 1)))
	e.ReasonMisses = m.reasonMisses(preds)
	return e
}

// reasonMisses tallies the predictions whose first reason is wrong.
func (m *FilingModel) reasonMisses(preds []filingPred) []ReasonMiss {
	n := map[[2]int]int{}
	for _, p := range preds {
		if p.reason >= 0 && len(p.ranked) > 0 && p.ranked[0] != p.reason {
			n[[2]int{p.reason, p.ranked[0]}]++
		}
	}
	out := []ReasonMiss{}
	for k, c := range n {
		out = append(out, ReasonMiss{Reason: m.Reasons[k[0]].Lead, TakenFor: m.Reasons[k[1]].Lead, N: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		if out[i].Reason != out[j].Reason {
			return out[i].Reason < out[j].Reason
		}
		return out[i].TakenFor < out[j].TakenFor
	})
	return out
}

// scoreFiling scores predictions at the thresholds, with base the
// baseline's probability of not filing.
func scoreFiling(preds []filingPred, rejectAt, fileAt, base float64) FilingEval {
	e := FilingEval{N: len(preds), RejectAt: rejectAt, FileAt: fileAt, BaseRate: round4(base)}
	if len(preds) == 0 {
		return e
	}
	var tp, filedAdvised, filedRight, abstain, right int
	var top1, top2, all1, all2 int
	for _, p := range preds {
		e.NotFiled += p.y
		e.Brier += (p.p - float64(p.y)) * (p.p - float64(p.y))
		e.BaselineBrier += (base - float64(p.y)) * (base - float64(p.y))
		flagged := p.p >= rejectAt
		switch {
		case flagged:
			e.Flagged++
			tp += p.y
		case p.p <= fileAt:
			filedAdvised++
			filedRight += 1 - p.y
		default:
			abstain++
		}
		if flagged == (p.y == 1) {
			right++
		}
		if p.reason < 0 || len(p.ranked) == 0 {
			continue
		}
		in1, in2 := p.ranked[0] == p.reason, p.ranked[0] == p.reason || len(p.ranked) > 1 && p.ranked[1] == p.reason
		e.ReasonAllN++
		all1, all2 = all1+b2i(in1), all2+b2i(in2)
		if flagged {
			e.ReasonN++
			top1, top2 = top1+b2i(in1), top2+b2i(in2)
		}
	}
	n := float64(len(preds))
	e.Brier, e.BaselineBrier = e.Brier/n, e.BaselineBrier/n
	e.Precision, e.Recall = ratio(tp, e.Flagged), ratio(tp, e.NotFiled)
	e.FileShare, e.FilePrecision, e.Abstain = float64(filedAdvised)/n, ratio(filedRight, filedAdvised), float64(abstain)/n
	e.Accuracy, e.BaselineAccuracy = float64(right)/n, float64(len(preds)-e.NotFiled)/n
	e.ReasonTop1, e.ReasonTop2 = ratio(top1, e.ReasonN), ratio(top2, e.ReasonN)
	e.ReasonAllTop1, e.ReasonAllTop2 = ratio(all1, e.ReasonAllN), ratio(all2, e.ReasonAllN)
	e.Reliability, e.ECE = reliability(preds)
	e.BaselineECE = math.Abs(base - float64(e.NotFiled)/n)
	e.AUC = auc(preds)
	return e
}

// reliability bins the predictions into ten equal-width bins of the
// probability of not filing; the ECE is the bins' gaps between mean
// probability and observed share, weighted by their sizes.
func reliability(preds []filingPred) ([]ReliabilityBin, float64) {
	bins := make([]ReliabilityBin, 10)
	for b := range bins {
		bins[b].Lo, bins[b].Hi = float64(b)/10, float64(b+1)/10
	}
	for _, p := range preds {
		b := min(int(p.p*10), 9)
		bins[b].N++
		bins[b].MeanProb += p.p
		bins[b].Observed += float64(p.y)
	}
	var ece float64
	for b := range bins {
		if n := float64(bins[b].N); n > 0 {
			bins[b].MeanProb /= n
			bins[b].Observed /= n
			ece += n / float64(len(preds)) * math.Abs(bins[b].MeanProb-bins[b].Observed)
		}
	}
	return bins, ece
}

// auc is the probability that a not-filed text gets a higher probability
// than a filed one (ties count half).
func auc(preds []filingPred) float64 {
	ps := append([]filingPred(nil), preds...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].p < ps[j].p })
	var pos, neg, sum float64
	for i := 0; i < len(ps); {
		j := i
		var p, n float64
		for ; j < len(ps) && ps[j].p == ps[i].p; j++ {
			p += float64(ps[j].y)
			n += float64(1 - ps[j].y)
		}
		sum += p * (neg + n/2)
		pos, neg = pos+p, neg+n
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0
	}
	return sum / (pos * neg)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
