package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tian"
	"tian/api"
	"tian/index"
	"tian/office"
	"tian/segment"
	"tian/sqlite"
)

// wordsEnv is the API over a real office: the 2024 demo proposals in a
// store, their index and the segmenter.
func wordsEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	// without zh_s: its swaps take milliseconds (the full segmenter's ten
	// seconds under -race); the cut itself is tested in segment and index
	seg, err := segment.New(segment.Config{NoBase: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := loadYears(ctx, db, 2024); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	o := office.New(office.Config{DataDir: dir, Store: db, Index: ix, Segmenter: seg})
	e := &env{store: newMemStore(), svc: &fakeServices{}, tokens: map[tian.Role]string{}}
	parts := api.Parts{Store: e.store, Tokens: e.store, Search: ix, Relate: ix, Suggest: e.svc, Models: e.svc,
		Import: e.svc, Export: e.svc, Stats: e.store, Health: e.svc, Words: o}
	e.srv = httptest.NewServer(api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), api.DefaultConfig()).Handler())
	t.Cleanup(e.srv.Close)
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleReviewer, tian.RoleStaff, tian.RoleAdmin} {
		sec, _, _ := e.store.CreateToken(ctx, r.String(), r, "test")
		e.tokens[r] = sec
	}
	// one segmenter analyses for a process (index.Open sets it): give the
	// curation tests theirs back, if they made it (when they come later,
	// their index.Open sets it)
	t.Cleanup(func() {
		if !curationBuilt.Load() {
			return
		}
		ce, err := curationOnce()
		if err != nil {
			t.Fatal(err)
		}
		index.AnalyseWith(ce.seg)
	})
	return e
}

type wordsResponse struct {
	Words  []tian.Word           `json:"words"`
	Status tian.VocabularyStatus `json:"status"`
}

func TestWordsAPI(t *testing.T) {
	e := wordsEnv(t)
	const ct = "application/json"
	if res, _ := e.do(t, tian.RoleReviewer, "GET", "/api/v1/words", "", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer reads the dictionary: %d", res.StatusCode)
	}
	res, b := e.do(t, tian.RoleStaff, "GET", "/api/v1/words", "", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"words":[]`) {
		t.Fatalf("empty dictionary: %d %s", res.StatusCode, b)
	}
	res, b = e.do(t, tian.RoleStaff, "GET", "/api/v1/words/suggest?year=2024&limit=30", "", nil)
	var sug tian.WordSuggestions
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &sug) != nil || len(sug.Candidates) == 0 || len(sug.Candidates) > 30 {
		t.Fatalf("suggest: %d %.300s", res.StatusCode, b)
	}
	word := sug.Candidates[0].Word
	res, b = e.do(t, tian.RoleStaff, "POST", "/api/v1/words", ct, jsonBody(map[string]any{
		"words": []map[string]string{{"word": word, "status": "accepted", "note": "新词发现"}}}))
	var got wordsResponse
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &got) != nil || len(got.Words) != 1 || got.Words[0].By == "" || got.Status.Version == "" {
		t.Fatalf("accept %s: %d %s", word, res.StatusCode, b)
	}
	res, b = e.do(t, tian.RoleStaff, "GET", "/api/v1/words/suggest?year=2024&limit=30", "", nil)
	if res.StatusCode != http.StatusOK || strings.Contains(string(b), `"word":"`+word+`"`) {
		t.Errorf("an accepted word is suggested again: %.300s", b)
	}
	for _, bad := range []struct{ body, code string }{
		{`{"words":[{"word":"的","status":"accepted"}]}`, tian.EINVALID},
		{`{"words":[{"word":"低空经济","status":"yes"}]}`, tian.EINVALID},
		{`{"words":[]}`, tian.EINVALID},
		{`{"words":[{"word":"低空经济","status":"accepted","by":"冒名"}]}`, tian.EINVALID},
		{`{"word":"低空经济"}`, tian.EINVALID},
		{`not json`, tian.EINVALID},
	} {
		res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/words", ct, strings.NewReader(bad.body))
		if res.StatusCode != http.StatusBadRequest || errorCode(b) != bad.code || !containsHan(b) {
			t.Errorf("%s: %d %s", bad.body, res.StatusCode, b)
		}
	}
	for _, q := range []string{"year=abc", "limit=0x", "limit=501", "year=1800"} {
		if res, b := e.do(t, tian.RoleStaff, "GET", "/api/v1/words/suggest?"+q, "", nil); res.StatusCode != http.StatusBadRequest || errorCode(b) != tian.EINVALID {
			t.Errorf("suggest?%s: %d %s", q, res.StatusCode, b)
		}
	}
	path := "/api/v1/words/" + url.PathEscape(word)
	if res, b := e.do(t, tian.RoleStaff, "DELETE", path, "", nil); res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"words":[]`) {
		t.Errorf("forget %s: %d %s", word, res.StatusCode, b)
	}
	if res, b := e.do(t, tian.RoleStaff, "DELETE", path, "", nil); res.StatusCode != http.StatusNotFound || errorCode(b) != tian.ENOTFOUND {
		t.Errorf("forget %s twice: %d %s", word, res.StatusCode, b)
	}
}

func TestWordsAPINotOffered(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	if res, b := e.do(t, tian.RoleStaff, "GET", "/api/v1/words", "", nil); res.StatusCode != http.StatusServiceUnavailable || errorCode(b) != tian.EUNAVAILABLE {
		t.Errorf("no vocabulary: %d %s", res.StatusCode, b)
	}
}

func containsHan(b []byte) bool {
	for _, r := range string(b) {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
