package open311

import (
	"encoding/json"
	"encoding/xml"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/web"
)

// Formats are the formats served, as the resource's extension names them.
const (
	formatJSON = "json"
	formatXML  = "xml"
)

// formatOf is the format the path asks for ("" for none we serve). It reads the path rather than the
// route parameter, so that errors raised before routing (a bad api_key) come in the asked format too.
func formatOf(c *fiber.Ctx) string {
	p := c.Path()
	switch {
	case strings.HasSuffix(p, "."+formatXML):
		return formatXML
	case strings.HasSuffix(p, "."+formatJSON):
		return formatJSON
	}
	return ""
}

// checkFormat refuses a resource in a format we do not serve, as a resource that is not there.
func checkFormat(c *fiber.Ctx) error {
	if f := c.Params("format"); f != formatJSON && f != formatXML {
		return errs.New(errs.NotFound, "error.not_found")
	}
	return nil
}

// send writes v as the format asks: JSON as it is, XML wrapped in the standard's root element.
func send(c *fiber.Ctx, status int, v any) error {
	c.Status(status)
	if formatOf(c) == formatXML {
		out, err := xml.Marshal(v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
		return c.Send(append([]byte(xml.Header), out...))
	}
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(out)
}

// apiError is one error of the standard's error list.
type apiError struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

type errorList struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

// paramOf names, in the standard's words, the parameter a problem of the registry's content is about
// (the registry names the fields as its forms do).
var paramOf = map[string]string{
	"last_name":     "attribute[" + attrLastName + "]",
	"first_name":    "attribute[" + attrFirstName + "]",
	"patronymic":    "attribute[" + attrPatronymic + "]",
	"address":       "attribute[" + attrResidence + "]",
	"summary":       "description",
	"place":         "lat, long",
	"place_address": "address_string",
	"channel":       "api_key",
	"contact":       "email, phone",
}

// writeErrors answers with the standard's error list: one error per field that is wrong, each naming
// the parameter, in the request's language; the status is the list's code.
func (h *handlers) writeErrors(c *fiber.Ctx, p web.Problem) error {
	l := h.web.TextsOf(c)
	list := errorList{}
	if e := errs.As(p.Err, errs.Invalid); e != nil && len(e.Fields) > 0 {
		fields := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			list.Errors = append(list.Errors, apiError{Code: p.Status, Description: paramName(f) + ": " + l.T(e.Fields[f])})
		}
	} else {
		list.Errors = []apiError{{Code: p.Status, Description: l.T(p.Message)}}
	}
	if formatOf(c) == formatXML {
		return send(c, p.Status, list)
	}
	return send(c, p.Status, list.Errors)
}

func paramName(field string) string {
	if n, ok := paramOf[field]; ok {
		return n
	}
	if strings.HasPrefix(field, "questions.") {
		return "service_code"
	}
	if slices.Contains([]string{"type", "nature", "sign", "signers", "reply_by", "received_at", "external_ref"}, field) {
		return "service_code" // set from the service, never by the client
	}
	return field
}
