package classify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/classify"
	"tian/models"
	"tian/sheet"
)

// defaults are the embedded default category model and router, read once.
var defaults = sync.OnceValues(func() (*defaultModels, error) {
	s, err := sharedSeg()
	if err != nil {
		return nil, err
	}
	cm, err := readDefault(models.CategoryModel, s)
	if err != nil {
		return nil, err
	}
	text, err := readDefault(models.UnitModel, s)
	if err != nil {
		return nil, err
	}
	units, err := sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
	if err != nil {
		return nil, err
	}
	f, err := models.FS().Open(models.RouterModel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := classify.ReadRouter(f, text, units, s)
	if err != nil {
		return nil, err
	}
	return &defaultModels{cm, r}, nil
})

func readDefault(path string, s tian.Segmenter) (*classify.Model, error) {
	f, err := models.FS().Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return classify.ReadModel(f, s)
}

type defaultModels struct {
	category *classify.Model
	router   *classify.Router
}

// fixedNeighbours answers every text with the same past proposals, so that
// routing has history to cite without an index.
type fixedNeighbours []tian.Match

func (n fixedNeighbours) SimilarText(context.Context, string, string, int, int, string) ([]tian.Match, error) {
	return n, nil
}

// TestResultsCarryNoNullLists: whatever the text, the suggestions and
// routings the API serialises hold empty lists, never nil ones (JSON null),
// which pages would have to guard against on every field.
func TestResultsCarryNoNullLists(t *testing.T) {
	ms, err := defaults()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var history fixedNeighbours
	for _, p := range demo[:6] {
		history = append(history, tian.Match{Number: p.Number, Year: p.Year, Title: p.Title, Score: 0.5,
			Kind: tian.MatchSimilar, SharedTerms: []string{}, LeadUnit: p.LeadUnit, CoUnits: p.CoUnits})
	}
	cases := []struct{ name, title, body string }{
		{"empty", "", ""},
		{"spaces", " \n\t ", "　"},
		{"english", "On public transport", "The city should add more bus lanes and night buses."},
		{"punctuation", "", "。，、；！？……——"},
		{"one character", "", "水"},
		{"one letter", "x", ""},
		{"digits", "2024", "123456"},
		{"title only", "关于加快发展社区嵌入式养老服务的提案", ""},
		{"long", "关于城市更新的提案", strings.Repeat("建议加快老旧小区改造，完善社区养老和托育服务设施。", 800)},
	}
	step := max(1, len(demo)/200)
	for i := 0; i < len(demo); i += step {
		cases = append(cases, struct{ name, title, body string }{"demo " + demo[i].Number, demo[i].Title, demo[i].Body})
	}
	ctx := context.Background()
	for _, c := range cases {
		sg, err := ms.category.Classify(ctx, c.title, c.body, 3)
		if !acceptable(t, c.name, "classify", err) {
			continue
		}
		noNullLists(t, c.name+": classify", sg)
		for _, nb := range []tian.Neighbours{nil, history} {
			rt, err := ms.router.Route(ctx, nb, tian.RouteRequest{Title: c.title, Body: c.body, Category: sg.Labels[0].Label, K: 3})
			if !acceptable(t, c.name, "route", err) {
				continue
			}
			noNullLists(t, fmt.Sprintf("%s: route (history %t)", c.name, nb != nil), rt)
		}
	}
	t.Logf("%d texts classified and routed", len(cases))
}

// acceptable reports whether there is a result to check: an error is
// acceptable only as EINVALID for a text with nothing in it.
func acceptable(tb testing.TB, name, op string, err error) bool {
	tb.Helper()
	if err == nil {
		return true
	}
	if tian.ErrorCode(err) != tian.EINVALID {
		tb.Errorf("%s: %s: %v (code %q), want a result or %q", name, op, err, tian.ErrorCode(err), tian.EINVALID)
	}
	return false
}

// noNullLists fails when v holds a nil slice, or when its JSON holds a null.
func noNullLists(tb testing.TB, name string, v any) {
	tb.Helper()
	for _, path := range nilSlices(reflect.ValueOf(v), "") {
		tb.Errorf("%s: %s is a nil slice, want an empty one", name, path)
	}
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	for _, path := range jsonNulls(tree, "") {
		tb.Errorf("%s: JSON %s is null in %.200s", name, path, b)
	}
}

// nilSlices lists the paths of the nil slices inside v.
func nilSlices(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return nilSlices(v.Elem(), path)
	case reflect.Struct:
		var out []string
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = append(out, nilSlices(v.Field(i), path+"."+v.Type().Field(i).Name)...)
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return []string{path}
		}
		var out []string
		for i := range v.Len() {
			out = append(out, nilSlices(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	return nil
}

// jsonNulls lists the paths of the nulls in a decoded JSON value.
func jsonNulls(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		return []string{path}
	case map[string]any:
		for k, e := range x {
			out = append(out, jsonNulls(e, path+"."+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, jsonNulls(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}
