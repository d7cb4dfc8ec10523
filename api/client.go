package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tian"
)

// Client calls a tian service. Errors come back as *tian.Error with the
// code the server sent, so callers handle them as they would locally.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// NewClient returns a client of the service at baseURL.
func NewClient(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 2 * time.Minute}}
}

// statusCodes maps HTTP statuses back to tian's codes.
func statusCode(status int) string {
	for code, s := range codes {
		if s == status && code != "rate_limited" {
			return code
		}
	}
	if status == http.StatusTooManyRequests {
		return "rate_limited"
	}
	return tian.EINTERNAL
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, r)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "server address: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "api.Client", Message: "the service did not answer: " + err.Error(), Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		var e ErrorResponse
		if json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&e) != nil || e.Code == "" {
			return &tian.Error{Code: statusCode(res.StatusCode), Message: fmt.Sprintf("the service answered %s", res.Status)}
		}
		return &tian.Error{Code: e.Code, Message: e.Message}
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "api.Client", Message: "the service's answer is not the JSON expected", Err: err}
	}
	return nil
}

var (
	_ tian.Searcher  = (*Client)(nil)
	_ tian.Relater   = (*Client)(nil)
	_ tian.Suggester = (*Client)(nil)
	_ tian.Reporter  = (*Client)(nil)
)

// Search runs a search.
func (c *Client) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	q := url.Values{"q": {req.Query}}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	num := func(k string, v int) {
		if v != 0 {
			q.Set(k, strconv.Itoa(v))
		}
	}
	set("session", req.Session)
	set("category", req.Category)
	set("unit", req.Unit)
	set("lead_unit", req.LeadUnit)
	set("proposer_type", req.Proposer)
	set("status", req.Status)
	set("sort", req.Sort)
	num("year_from", req.YearFrom)
	num("year_to", req.YearTo)
	num("page", req.Page)
	num("size", req.Size)
	var out tian.SearchResult
	return &out, c.do(ctx, "GET", "/api/v1/search?"+q.Encode(), nil, &out)
}

// Classify suggests a category.
func (c *Client) Classify(ctx context.Context, title, body string, k int) (*tian.Suggestion, error) {
	var out tian.Suggestion
	return &out, c.do(ctx, "POST", "/api/v1/classify", TextRequest{Title: title, Body: body, K: k}, &out)
}

// Route suggests undertaking units.
func (c *Client) Route(ctx context.Context, req tian.RouteRequest) (*tian.Routing, error) {
	var out tian.Routing
	return &out, c.do(ctx, "POST", "/api/v1/route", TextRequest{Title: req.Title, Body: req.Body, Category: req.Category, K: req.K, Exclude: req.Exclude, BeforeYear: req.BeforeYear}, &out)
}

// Similar finds proposals like a stored one (Number) or a text.
func (c *Client) Similar(ctx context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	var out struct {
		Matches []tian.Match `json:"matches"`
	}
	var err error
	if req.Number != "" {
		err = c.do(ctx, "GET", fmt.Sprintf("/api/v1/proposals/%s/similar?k=%d&before_year=%d", url.PathEscape(req.Number), req.K, req.BeforeYear), nil, &out)
	} else {
		err = c.do(ctx, "POST", "/api/v1/similar", TextRequest{Title: req.Title, Body: req.Body, K: req.K, BeforeYear: req.BeforeYear, Exclude: req.Exclude}, &out)
	}
	return out.Matches, err
}

// Groups asks for groups for joint consultation.
func (c *Client) Groups(ctx context.Context, req tian.GroupRequest) ([]tian.Group, error) {
	var out struct {
		Groups []tian.Group `json:"groups"`
	}
	q := url.Values{}
	if req.Year != 0 {
		q.Set("year", strconv.Itoa(req.Year))
	}
	if req.Session != "" {
		q.Set("session", req.Session)
	}
	if len(req.Numbers) > 0 {
		q.Set("numbers", strings.Join(req.Numbers, ","))
	}
	if req.Threshold > 0 {
		q.Set("threshold", strconv.FormatFloat(req.Threshold, 'f', -1, 64))
	}
	return out.Groups, c.do(ctx, "GET", "/api/v1/groups?"+q.Encode(), nil, &out)
}

// Stats returns the annual-report figures of a year (0: all).
func (c *Client) Stats(ctx context.Context, year int) (*tian.Stats, error) {
	var out struct {
		Stats *tian.Stats `json:"stats"`
	}
	return out.Stats, c.do(ctx, "GET", fmt.Sprintf("/api/v1/stats?year=%d", year), nil, &out)
}

// Proposal returns one proposal.
func (c *Client) Proposal(ctx context.Context, number string) (*tian.Proposal, error) {
	var out tian.Proposal
	return &out, c.do(ctx, "GET", "/api/v1/proposals/"+url.PathEscape(number), nil, &out)
}
