package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hromada/hromada/api"
)

// hostileValues are what internal/app's prober sends to every form field (kept in step with its list):
// bytes that are not UTF-8, NUL and control characters, direction overrides, very long text, SQL and
// markup, numbers too large for any column, impossible dates, LIKE wildcards.
var hostileValues = []string{
	"\x00", "ab\x00cd", "\xff\xfe\xfd", "Київ\xd0", "\x01\x1b[31m\x7f", "inv\u202efdp.exe\u200b",
	strings.Repeat("Я", 300), strings.Repeat("ї", 40), "' OR '1'='1' -- ", `"><script>alert(1)</script>`,
	"99999999999999999999999", "-1", "2024-02-30", "99.99", `%_\`, " ", strings.Repeat("я", 25000),
}

// stringFields are the request's text members; each hostile value goes into each, the rest lawful.
var stringFields = []string{"external_number", "external_date", "received_at", "type", "nature", "last_name",
	"first_name", "patronymic", "address", "email", "phone", "gender", "social_status", "summary", "reply_by",
	"categories.0", "questions.0.subject", "questions.0.text"}

// Every hostile value in every member of the JSON body, hostile JSON itself, and hostile headers and
// parameters: never a 5xx, every answer in the contract's shape (a refusal is a problem), and no
// markup comes back unescaped. The internal/app prober leaves the API's POST to this test.
func TestHostileJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("many requests")
	}
	sc := newScene(t, map[string]string{"HROMADA_LIMIT_API": "100000/1m"})
	n := 0
	for _, field := range stringFields {
		for i, v := range hostileValues {
			body := withMember(t, card(fmt.Sprintf("h-%s-%d", field, i)), field, v)
			r := sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: sc.writer, body: body})
			n++
			checkHostileReply(t, r, field, v)
		}
	}
	for _, raw := range hostileBodies(t) {
		r := sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: sc.writer, body: []byte(raw)})
		n++
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("body %q: %d %s", shorten([]byte(raw)), r.Status, shorten(r.Body))
		}
		r.problem(t)
	}
	for _, v := range hostileValues {
		for _, h := range []map[string]string{{"Idempotency-Key": v}, {"Accept-Language": v}} {
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) || len(v) > 4000 {
				continue // not a header an HTTP client can send
			}
			r := sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: sc.writer,
				body: mustJSON(t, card("h-header")), header: h})
			n++
			checkHostileReply(t, r, "a header", v)
		}
		if len(v) > 4000 {
			continue // over the server's read buffer for a URL: refused before any handler (431)
		}
		for _, path := range []string{api.Prefix + "/changes?after=" + queryEscape(v), api.Prefix + "/changes?limit=" + queryEscape(v),
			api.Prefix + "/" + queryEscape(v)} {
			r := sc.c.call(t, sc.s, request{method: http.MethodGet, path: path, token: sc.reader})
			n++
			checkHostileReply(t, r, path, v)
		}
	}
	t.Logf("%d hostile requests", n)
}

func checkHostileReply(t *testing.T, r reply, where, v string) {
	t.Helper()
	if strings.Contains(string(r.Body), "<script>") {
		t.Errorf("%s = %q: markup comes back unescaped", where, shorten([]byte(v)))
	}
	if r.Status >= 400 {
		r.problem(t)
	}
}

// withMember is the request as JSON with one member (a dotted path) set to v, written as raw bytes so
// that what is not UTF-8 arrives as it is.
func withMember(t *testing.T, req api.AppealRequest, field, v string) []byte {
	t.Helper()
	req.Categories = []string{"x"}
	const mark = "\u2603MARK\u2603"
	switch field {
	case "categories.0":
		req.Categories[0] = mark
	case "questions.0.subject":
		req.Questions[0].Subject = mark
	case "questions.0.text":
		req.Questions[0].Text = mark
	default:
		m := map[string]any{}
		reply{Body: mustJSON(t, req)}.decode(t, &m)
		m[field] = mark
		return []byte(strings.Replace(string(mustJSON(t, m)), mark, rawJSONString(v), 1))
	}
	return []byte(strings.Replace(string(mustJSON(t, req)), mark, rawJSONString(v), 1))
}

// rawJSONString escapes what JSON must escape and leaves every other byte as it is (invalid UTF-8 too).
func rawJSONString(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func queryEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// hostileBodies are bodies that are not a lawful appeal's JSON at all.
func hostileBodies(t *testing.T) []string {
	good := string(mustJSON(t, card("h-body")))
	return []string{
		"", " ", "null", "true", "0", `"x"`, "[]", "[{}]", "{", "}", `{"a":`, "\x00", "\xff\xfe", good + good,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		`{"signers": 99999999999999999999999}`, `{"signers": -1e400}`, `{"signers": 1.5}`, `{"questions": {}}`,
		`{"questions": [null, 1, "x"]}`, `{"categories": [[["x"]]]}`, `{"last_name": {"$ne": ""}}`,
		`{"summary": "\ud800"}`, `{"summary": "\u0000"}`, `{"__proto__": {}}`,
		strings.Replace(good, `"type":"complaint"`, `"type":"complaint","type":"proposal"`, 1),
		`{"questions": [` + strings.Repeat(`{"subject":"09","text":"x"},`, 3000) + `{"subject":"09"}]}`,
	}
}
