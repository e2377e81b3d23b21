package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/steptest"
)

type statsScene struct {
	s    *apptest.Server
	anon *http.Client
	r    *report.Report
}

// TestStatistics: the public page and the open data of the report's known data set, on both databases.
func TestStatistics(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_TIMEZONE": "Europe/Kyiv"})
	reporttest.Insert(t, s.App.DB)
	r, err := report.Compute(context.Background(), s.App.DB, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	steptest.Run(t, &statsScene{s: s, anon: apptest.Browser(t), r: r}, []steptest.Step[*statsScene]{
		{Name: "the JSON has the report's figures", Run: checkStatsJSON},
		{Name: "the CSV", Run: checkStatsCSV},
		{Name: "the page", Run: checkStatsPage},
		{Name: "bad periods are named", Run: checkStatsBadInput},
		{Name: "cacheable", Run: checkStatsCache},
	})
}

const q1 = "?from=2024-01-01&to=2024-03-31"

func checkStatsJSON(t *testing.T, sc *statsScene) {
	res := apptest.Get(t, sc.anon, sc.s.Path("/api/v1/statistics"+q1))
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s %.300s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	var own bytes.Buffer
	if err := json.NewEncoder(&own).Encode(sc.r); err != nil { // the report's JSON without the narrative, which is not published
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(own.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	// Every figure the report has, with the same value; by_channel, by_subject and the forms whole.
	for _, k := range []string{"period", "appeals", "questions", "citizens", "by_channel", "by_type", "by_nature", "by_sign",
		"by_subject", "by_result", "overdue", "term_breaches", "petitions", "form1", "form2", "appeals_without_questions"} {
		if !equalJSON(got[k], want[k]) {
			t.Errorf("%s: %v, want %v", k, got[k], want[k])
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("the open data lack %s", k)
		}
	}
	// Small cells hidden, flagged, and the rule said.
	if g := got["by_gender"].(map[string]any); g["male"] != nil || g["unknown"] != float64(12) {
		t.Errorf("by_gender: %v", g)
	}
	if s, ok := got["suppression"].(map[string]any); !ok || !strings.Contains(s["rule"].(map[string]any)["uk"].(string), "від 1 до 4") {
		t.Errorf("suppression: %v", got["suppression"])
	}
	if sup := got["suppressed"].(map[string]any)["dimensions"].(map[string]any)["by_gender"].(map[string]any); sup["male"] != "small" {
		t.Errorf("suppressed by_gender: %v", sup)
	}
	noStatsPersonalData(t, res.Body)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// noPersonalData: none of the data set's names, texts, numbers or the dev users' addresses.
func noStatsPersonalData(t *testing.T, body string) {
	t.Helper()
	for _, s := range []string{"Тестенко", "Коваль", "Ірина", "Звернення для звіту", "Питання 09", "Текст петиції", "Т-1/24", "@"} {
		if strings.Contains(body, s) {
			t.Errorf("the statistics contain %q", s)
		}
	}
}

func checkStatsCSV(t *testing.T, sc *statsScene) {
	res := apptest.Get(t, sc.anon, sc.s.Path("/api/v1/statistics.csv"+q1))
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "statystyka-2024-01-01-2024-03-31.csv") {
		t.Fatalf("%d %s %s", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	for _, line := range []string{"current,appeals,,,15,", "current,by_gender,male,,,small", "previous,appeals,,,2,",
		"current,form1,total,total,15,"} {
		if !strings.Contains(res.Body, line+"\n") && !strings.Contains(res.Body, line+"\r\n") {
			t.Errorf("the CSV lacks %q", line)
		}
	}
	noStatsPersonalData(t, res.Body)
}

func checkStatsPage(t *testing.T, sc *statsScene) {
	res := apptest.Get(t, sc.anon, sc.s.Path("/statistics?kind=quarter&year=2024&quarter=1"))
	if res.Status != http.StatusOK {
		t.Fatalf("%d %.500s", res.Status, res.Body)
	}
	for _, want := range []string{`<caption id="form1-caption">`, `<caption id="form2-caption">`, `<th scope="row">`,
		`data-hidden="small"`, "&lt;5", `id="chart-channels"`, "2024-01-01 – 2024-03-31",
		`href="/api/v1/statistics?from=2024-01-01&amp;to=2024-03-31"`, "від 1 до 4", `href="/statistics"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(res.Body, "<script") {
		t.Error("the page has a script")
	}
	noStatsPersonalData(t, strings.ReplaceAll(res.Body, "@", ""))
	// A year, in English; the default is the last quarter that has ended.
	en := apptest.Browser(t)
	apptest.Get(t, en, sc.s.Path("/lang/en?next=/"))
	if res := apptest.Get(t, en, sc.s.Path("/statistics?kind=year&year=2024&quarter=1")); res.Status != http.StatusOK ||
		!strings.Contains(res.Body, "2024-01-01 – 2024-12-31") || !strings.Contains(res.Body, "Statistics of citizens") {
		t.Errorf("a year in English: %d", res.Status)
	}
	if res := apptest.Get(t, sc.anon, sc.s.Path("/statistics")); res.Status != http.StatusOK || !strings.Contains(res.Body, "-01 – ") {
		t.Errorf("the default period: %d", res.Status)
	}
}

func checkStatsBadInput(t *testing.T, sc *statsScene) {
	for _, c := range []struct{ query, param, text string }{
		{"?from=2024-13-01&to=2024-03-31", "from", "РРРР-ММ-ДД"},
		{"?from=2024-03-01&to=2024-01-01", "to", "раніше початкової"},
		{"?from=2020-01-01&to=2024-03-31", "to", "довшим за рік"},
		{"?to=2024-03-31", "from", "РРРР-ММ-ДД"},
	} {
		res := apptest.Get(t, sc.anon, sc.s.Path("/api/v1/statistics"+c.query))
		var p struct {
			Status int
			Detail string
			Errors []struct{ Parameter, Detail string }
		}
		if res.Status != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal([]byte(res.Body), &p) != nil || p.Status != 400 || len(p.Errors) == 0 ||
			p.Errors[0].Parameter != c.param || !strings.Contains(p.Detail, c.text) {
			t.Errorf("%s: %d %s %s", c.query, res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		if csv := apptest.Get(t, sc.anon, sc.s.Path("/api/v1/statistics.csv"+c.query)); csv.Status != http.StatusBadRequest {
			t.Errorf("CSV %s: %d", c.query, csv.Status)
		}
	}
	for _, query := range []string{"?kind=quarter&year=1999&quarter=1", "?kind=quarter&year=2024&quarter=5",
		"?kind=quarter&year=abc", "?kind=quarter&year=+&quarter=", "?kind=quarter&year=2024&quarter=%3Cscript%3E"} {
		res := apptest.Get(t, sc.anon, sc.s.Path("/statistics"+query))
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `role="alert"`) ||
			!strings.Contains(res.Body, `<form class="card filters" method="get" action="/statistics">`) {
			t.Errorf("%s: %d", query, res.Status)
		}
	}
}

func checkStatsCache(t *testing.T, sc *statsScene) {
	for _, path := range []string{"/statistics?kind=quarter&year=2024&quarter=1", "/api/v1/statistics" + q1, "/api/v1/statistics.csv" + q1} {
		res := getWith(t, sc.anon, sc.s.Path(path), "Accept-Encoding", "gzip")
		if res.Header.Get("Cache-Control") != "public, max-age=60" || res.Header.Get("ETag") == "" ||
			res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: Cache-Control %q ETag %q Content-Encoding %q", path, res.Header.Get("Cache-Control"),
				res.Header.Get("ETag"), res.Header.Get("Content-Encoding"))
		}
		again := getWith(t, sc.anon, sc.s.Path(path), "Accept-Encoding", "gzip", "If-None-Match", res.Header.Get("ETag"))
		if again.Status != http.StatusNotModified {
			t.Errorf("%s: %d to its own tag", path, again.Status)
		}
	}
	if res := apptest.Get(t, sc.anon, sc.s.Path("/api/v1/statistics?from=x")); res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a refusal is cached: %q", res.Header.Get("Cache-Control"))
	}
}
