package api

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// problemType is the URI that names a kind of problem (RFC 9457 "type"); "about:blank" when the status
// says it all. The OpenAPI document lists them.
const (
	typeBlank     = "about:blank"
	typeMalformed = "/api/v1/problems/malformed-request" // 400: not JSON, unknown field, wrong type, bad header or parameter
	typeInvalid   = "/api/v1/problems/validation"        // 422: the appeal breaks a rule; errors say where
	typeKeyReused = "/api/v1/problems/idempotency-key-reused"
)

// Problem is an RFC 9457 problem details object, with the fields wrong in the request as "errors".
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one wrong part of the request: a JSON pointer into the body (as a URI fragment,
// "#/questions/0/subject"), or a query parameter or header by name.
type ProblemField struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
	Detail    string `json:"detail"`
}

// Message ids of the API's own refusals: malformed requests (400) carry their fields under these keys'
// prefixes, so problem() can tell a body's pointer from a parameter or a header.
const (
	msgMalformed = "api.error.malformed"
	fieldParam   = "param:"
	fieldHeader  = "header:"
)

// problem writes any error of the area as problem+json in the request's language: the web layer's
// status and message, made precise for what this API knows (validation → 422 with located errors).
func (h *handlers) problem(c *fiber.Ctx, p web.Problem) error {
	l := h.web.TextsOf(c)
	out := Problem{Type: typeBlank, Status: p.Status, Title: l.T(titleOf(p.Status)), Instance: c.Path(),
		RequestID: requestIDOf(c)}
	if p.Message != "" && p.Message != titleOf(p.Status) {
		out.Detail = l.T(p.Message)
	}
	e := errs.As(p.Err, errs.Invalid, errs.Conflict)
	switch {
	case e == nil:
	case e.Code == errs.Conflict && e.Message == registry.ErrKeyReused:
		out.Type, out.Status = typeKeyReused, fiber.StatusUnprocessableEntity
	case e.Code == errs.Invalid && (e.Message == msgMalformed || len(e.Fields) == 0):
		out.Type = typeMalformed
	case e.Code == errs.Invalid:
		out.Type, out.Status = typeInvalid, fiber.StatusUnprocessableEntity
	}
	if out.Type != typeBlank {
		out.Title = l.T(titleOf(out.Status))
	}
	if e != nil {
		for _, field := range sortedKeys(e.Fields) {
			f := ProblemField{Detail: l.T(e.Fields[field])}
			switch {
			case strings.HasPrefix(field, fieldParam):
				f.Parameter = strings.TrimPrefix(field, fieldParam)
			case strings.HasPrefix(field, fieldHeader):
				f.Header = strings.TrimPrefix(field, fieldHeader)
			default:
				f.Pointer = pointerOf(field)
			}
			out.Errors = append(out.Errors, f)
		}
	}
	var syntax *syntaxError
	if errors.As(p.Err, &syntax) {
		out.Detail = l.Tf("api.error.not_json_at", "Offset", syntax.offset)
	}
	if out.Status == fiber.StatusTooManyRequests && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
		c.Set(fiber.HeaderRetryAfter, "60") // the limit's window is counted in minutes at least
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(out.Status).JSON(out, "application/problem+json")
}

// titleOf is the message id of a status's short title.
func titleOf(status int) string {
	switch status {
	case fiber.StatusBadRequest, fiber.StatusUnauthorized, fiber.StatusForbidden, fiber.StatusNotFound,
		fiber.StatusMethodNotAllowed, fiber.StatusConflict, fiber.StatusRequestEntityTooLarge,
		fiber.StatusUnsupportedMediaType, fiber.StatusUnprocessableEntity, fiber.StatusTooManyRequests,
		fiber.StatusServiceUnavailable:
		return "api.title." + strconv.Itoa(status)
	}
	return "api.title.500"
}

// pointerOf makes a field name a JSON pointer in URI fragment form: the registry's "questions.0.subject"
// is "#/questions/0/subject"; a field the request names otherwise is renamed.
func pointerOf(field string) string {
	if renamed, ok := renamedFields[field]; ok {
		field = renamed
	}
	if field == "" {
		return "#"
	}
	parts := strings.Split(field, ".")
	for i, p := range parts {
		parts[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(p)
	}
	return "#/" + strings.Join(parts, "/")
}

// renamedFields are the registry's field names the request calls otherwise.
var renamedFields = map[string]string{
	"external_ref": "external_number",
	"contact":      "email",
	"channel":      "", // the source's channel: nothing the client sent
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
