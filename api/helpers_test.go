package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/hromada/hromada/api"
	"github.com/hromada/hromada/internal/apptest"
)

// contract is the OpenAPI document as a validator: every response a test gets is checked against it,
// and every request a test means to be valid too.
type contract struct {
	v validator.Validator
}

func newContract(t testing.TB) *contract {
	t.Helper()
	doc, err := libopenapi.NewDocument(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if doc.GetSpecInfo().SpecType != "openapi" || !strings.HasPrefix(doc.GetVersion(), "3.1") {
		t.Fatalf("not an OpenAPI 3.1 document: %s %s", doc.GetSpecInfo().SpecType, doc.GetVersion())
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			t.Errorf("the document: %s: %s", p.Message, p.Reason)
		}
		t.FailNow()
	}
	return &contract{v: v}
}

// reply is a response as a test reads it.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%d %s: %v", r.Status, r.Body, err)
	}
}

func (r reply) problem(t testing.TB) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("%d with %q, not a problem: %s", r.Status, ct, r.Body)
	}
	var p api.Problem
	r.decode(t, &p)
	if p.Status != r.Status || p.Title == "" || p.Type == "" || p.Instance == "" {
		t.Fatalf("problem %+v for a %d", p, r.Status)
	}
	return p
}

// request is one call to the API.
type request struct {
	method, path, token string
	body                []byte
	header              map[string]string
	valid               bool // a request the contract allows: checked against it too
}

// call sends a request to the running program, checks the response (and a valid request) against the
// contract, and fails the test on a 5xx.
func (c *contract) call(t testing.TB, s *apptest.Server, r request) reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.method, s.Path(r.path), bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if r.valid {
		check, _ := http.NewRequest(r.method, "http://hromada.test"+r.path, bytes.NewReader(r.body))
		check.Header = req.Header.Clone()
		if ok, problems := c.v.ValidateHttpRequest(check); !ok {
			for _, p := range problems {
				t.Errorf("%s %s breaks the contract: %s %s %v", r.method, r.path, p.Message, p.Reason, schemaErrors(p))
			}
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 500 {
		t.Fatalf("%s %s: %d %s", r.method, r.path, resp.StatusCode, body)
	}
	c.checkResponse(t, r, resp, body)
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// checkResponse checks a response against the contract: its status is declared for the operation and
// its body matches the schema.
func (c *contract) checkResponse(t testing.TB, r request, resp *http.Response, body []byte) {
	t.Helper()
	check, _ := http.NewRequest(r.method, "http://hromada.test"+r.path, bytes.NewReader(r.body))
	check.Header.Set("Content-Type", "application/json")
	copyResp := *resp
	copyResp.Body = io.NopCloser(bytes.NewReader(body))
	if ok, problems := c.v.ValidateHttpResponse(check, &copyResp); !ok {
		for _, p := range problems {
			t.Errorf("%s %s → %d breaks the contract: %s %s %v (%s)", r.method, r.path, resp.StatusCode, p.Message, p.Reason,
				schemaErrors(p), shorten(body))
		}
	}
}

// schemaErrors are a contract violation's details: where in the body, and why.
func schemaErrors(e *verrors.ValidationError) []string {
	var out []string
	for _, s := range e.SchemaValidationErrors {
		out = append(out, s.FieldPath+": "+s.Reason)
	}
	return out
}

func shorten(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
