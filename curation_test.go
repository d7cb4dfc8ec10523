package tian_test

import (
	"strings"
	"testing"

	"tian"
)

// demoByNumber is the demo corpus by number.
func demoByNumber(t *testing.T) map[string]*tian.Proposal {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*tian.Proposal{}
	for _, p := range ps {
		out[p.Number] = p
	}
	return out
}

// CheckGroups normalises what it keeps (trimmed names and numbers, the
// year, lead units under their current names) and refuses the limits.
func TestCheckGroups(t *testing.T) {
	ps := demoByNumber(t)
	units := map[string]string{"市交通运输局": "市交通运输局", "市交通局": "市交通运输局"}
	gs := []tian.CuratedGroup{{Name: " 地铁站点接驳 ", LeadUnit: " 市交通局 ", Members: []string{" 20240203", "20240211 "}}}
	if err := tian.CheckGroups(2024, gs, ps, units); err != nil {
		t.Fatal(err)
	}
	if g := gs[0]; g.Name != "地铁站点接驳" || g.LeadUnit != "市交通运输局" || g.Year != 2024 || g.Members[0] != "20240203" || g.Members[1] != "20240211" {
		t.Errorf("normalised %+v", g)
	}
	if err := tian.CheckGroups(2024, nil, ps, units); err != nil {
		t.Errorf("no groups at all: %v", err)
	}
	long := []tian.CuratedGroup{{Name: strings.Repeat("接驳", 51), Members: []string{"20240203", "20240211"}}}
	if err := tian.CheckGroups(2024, long, ps, units); !strings.Contains(tian.ErrorMessage(err), "组名有102个字，超过上限100") {
		t.Errorf("a long name: %v", err)
	}
	big := []tian.CuratedGroup{{Name: "全年", Members: make([]string, tian.MaxGroupMembers+1)}}
	if err := tian.CheckGroups(2024, big, ps, units); !strings.Contains(tian.ErrorMessage(err), "最多200件提案") {
		t.Errorf("a group too large: %v", err)
	}
	many := make([]tian.CuratedGroup, tian.MaxCuratedGroups+1)
	if err := tian.CheckGroups(2024, many, ps, units); tian.ErrorCode(err) != tian.ETOOLARGE {
		t.Errorf("too many groups: %v", err)
	}
	if err := tian.CheckGroups(1800, gs, ps, units); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("year 1800: %v", err)
	}
	// many problems: the first five are said, and how many more there are
	bad := []tian.CuratedGroup{}
	for range 8 {
		bad = append(bad, tian.CuratedGroup{Name: "空组"})
	}
	msg := tian.ErrorMessage(tian.CheckGroups(2024, bad, ps, units))
	if strings.Count(msg, "至少要有2件提案") != 5 || !strings.HasSuffix(msg, "另有3处问题") {
		t.Errorf("eight empty groups: %q", msg)
	}
}
