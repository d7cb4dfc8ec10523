// Package storecore is the part of a store that needs no database: how an
// update merges a record into a stored proposal, when two proposals are
// the same, the unit catalogue's name resolution and "did you mean", the
// checks on a reviewer's verdict, and the folding of grouped counts into
// statistics. The engines (sqlite, postgres) read and write; this package
// decides, so that both decide alike.
package storecore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"tian"
)

// MergeFields is what an update of stored by in leaves: the fields in
// names (JSON names) come from in, the others keep their stored values,
// or are emptied when clear is set. nil names means in is whole.
func MergeFields(stored, in tian.Proposal, names []string, clear bool) tian.Proposal {
	if names == nil {
		return in
	}
	out := stored
	if clear {
		out = tian.Proposal{}
	}
	dst, src := reflect.ValueOf(&out).Elem(), reflect.ValueOf(in)
	for i := 0; i < src.NumField(); i++ {
		name, _, _ := strings.Cut(src.Type().Field(i).Tag.Get("json"), ",")
		if name == "number" || slices.Contains(names, name) {
			dst.Field(i).Set(src.Field(i))
		}
	}
	return out
}

// SameProposal compares two proposals as stored (nil and empty lists equal).
func SameProposal(a, b *tian.Proposal) bool {
	x, y := *a, *b
	if len(x.CoUnits) == 0 {
		x.CoUnits = nil
	}
	if len(y.CoUnits) == 0 {
		y.CoUnits = nil
	}
	return reflect.DeepEqual(x, y)
}

// HashOf hashes the JSON of a proposal, so that a field added to
// tian.Proposal later (empty, omitted) leaves old hashes valid.
func HashOf(p *tian.Proposal) string {
	b, _ := json.Marshal(p) // a Proposal always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// OrNone is xs, or an empty list for nil (JSON [], never null).
func OrNone(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// maxFeedbackLabel caps the short fields of feedback (suggested, model
// version): a label, not a text.
const maxFeedbackLabel = 200

// CheckFeedback checks what needs no database: the kind, a chosen value,
// the lengths. It trims the number and the chosen value.
func CheckFeedback(f *tian.Feedback) error {
	switch f.Kind {
	case "category", "lead_unit", "co_unit":
	default:
		return tian.Errorf(tian.EINVALID, "反馈类型“%s”无效：应为 category（类别）、lead_unit（主办单位）或 co_unit（协办单位）", f.Kind)
	}
	f.Number, f.Chosen = strings.TrimSpace(f.Number), strings.TrimSpace(f.Chosen)
	if f.Chosen == "" {
		return tian.Errorf(tian.EINVALID, "反馈缺少审查确定的值（chosen）")
	}
	if n := utf8.RuneCountInString(f.Text); n > tian.MaxBodyRunes {
		return tian.Errorf(tian.ETOOLARGE, "反馈文本有%d个字符，超过上限%d", n, tian.MaxBodyRunes)
	}
	for _, v := range []string{f.Suggested, f.ModelVersion} {
		if n := utf8.RuneCountInString(v); n > maxFeedbackLabel {
			return tian.Errorf(tian.ETOOLARGE, "反馈字段有%d个字符，超过上限%d", n, maxFeedbackLabel)
		}
	}
	return nil
}

// FeedbackVerdict is the audit log's detail of a verdict.
func FeedbackVerdict(f tian.Feedback) string {
	if f.Accepted {
		return "accepted " + f.Chosen
	}
	return "overrode " + f.Suggested + " with " + f.Chosen
}

// UnknownCategory and UnknownUnit are the errors of feedback that chose
// what the store does not have.
func UnknownCategory(name string) error {
	return tian.Errorf(tian.EINVALID, "类别“%s”不存在：反馈只能选择已有的类别", name)
}

func UnknownUnit(name string) error {
	return tian.Errorf(tian.EINVALID, "承办单位“%s”不存在：反馈只能选择单位表中的单位或其别名", name)
}

// AuditEntry is one line of the audit log, as every engine gives it.
type AuditEntry struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail"`
}
