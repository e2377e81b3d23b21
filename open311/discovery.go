package open311

import (
	"encoding/xml"
	"time"

	"github.com/gofiber/fiber/v2"
)

// specification is the standard this area follows, as discovery names it.
const specification = "http://wiki.open311.org/GeoReport_v2"

// changeset is when the area's interface last changed, as discovery tells clients to notice.
var changeset = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)

type discoveryDoc struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// discovery says where the endpoint is, which formats it speaks and where to ask for an api_key.
func (h *handlers) discovery(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	return send(c, fiber.StatusOK, discoveryDoc{
		Changeset:  changeset,
		Contact:    h.Contact,
		KeyService: l.T("open311.discovery.key_service"),
		Endpoints: []endpoint{{Specification: specification, URL: h.BaseURL + Prefix, Changeset: changeset,
			Type: "production", Formats: []string{"text/xml", "application/json"}}},
	})
}
