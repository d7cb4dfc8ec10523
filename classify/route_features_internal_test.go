package classify

import (
	"testing"

	"tian"
)

// A proposal names the agencies it asks to act: the one asked to lead
// (由…牵头, 建议…会同), those asked to assist (会同…等部门), and words that
// merely share a short form (交通拥堵, 教育焦虑) name no agency.
func TestNamedAgency(t *testing.T) {
	housing := unitNameParts(tian.Unit{Name: "市住房和城乡建设局", Aliases: []string{"市住建局", "住建局"}})
	education := unitNameParts(tian.Unit{Name: "市教育局", Aliases: []string{"教育局"}})
	land := unitNameParts(tian.Unit{Name: "市自然资源和规划局", Aliases: []string{"市自然资源局", "市规划局"}})
	traffic := unitNameParts(tian.Unit{Name: "市交通运输局", Aliases: []string{"市交通局", "交通局"}})
	text := "关于清理移交配套幼儿园的提案。建议由住建部门牵头，会同教育、自然资源等部门开展专项清查，缓解家长的教育焦虑和早晚交通拥堵。"
	for _, c := range []struct {
		name             string
		parts            []string
		agency, lead, co float64
	}{
		{"住建", housing, 1, 1, 0},
		{"教育", education, 1, 0, 1},
		{"自然资源", land, 1, 0, 0},
		{"交通", traffic, 0, 0, 0},
	} {
		a, l, co := namedAgency(c.parts, text)
		if a != c.agency || l != c.lead || co != c.co {
			t.Errorf("%s in %q: agency %v, lead %v, assist %v; want %v, %v, %v", c.name, text, a, l, co, c.agency, c.lead, c.co)
		}
	}
}
