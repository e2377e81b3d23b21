// Package open311 is the Open311 GeoReport v2 area at /open311/v2 (wiki.open311.org/GeoReport_v2): city
// apps and tools like FixMyStreet list the council's public services, file requests — each a lawful
// e-appeal in the one registry, with the problem's place — and follow them to the answer. One route table
// here, one file per resource; every resource is served as JSON and as XML (the ".json" or ".xml" the
// client asks for), errors too, in the standard's [{code, description}] form.
//
// It is a machine area (web.Machine): no session or CSRF; api_key (a query or form parameter) is an API
// token, which filing a request needs, with the scope open311. Reading is public and shows public
// fields only.
package open311

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

// Prefix is where the area is served.
const Prefix = "/open311/v2"

// Deps is what the area's handlers use.
type Deps struct {
	Registry   *registry.Service
	Services   *georeport.Catalogue
	Sources    *source.Service
	Classifier *classifier.Classifier
	Timezone   *time.Location // the council's zone: datetimes are written with its offset
	BaseURL    string         // the portal's address, for discovery
	Contact    string         // who answers for the service, for discovery
	Now        func() time.Time
}

type handlers struct {
	Deps
	web *web.Server
}

// Register adds the area's routes.
func Register(s *web.Server, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	h := &handlers{Deps: d, web: s}
	r := s.Machine(Prefix, web.MachineArea{TokenOf: apiKey, Errors: h.writeErrors})
	r.Get("/discovery.:format", h.discovery)
	r.Get("/services.:format", h.services)
	r.Get("/services/:code.:format", h.serviceDefinition)
	r.Get("/requests.:format", h.requests)
	r.Post("/requests.:format", h.createRequest)
	r.Get("/requests/:id.:format", h.request)
}

// apiKey is the token a client brings: api_key in the query string or the posted form, as the standard
// has it, or an Authorization: Bearer header.
func apiKey(c *fiber.Ctx) string {
	if k := c.Query("api_key"); k != "" {
		return k
	}
	if c.Method() == fiber.MethodPost {
		if k := c.FormValue("api_key"); k != "" {
			return k
		}
	}
	return web.BearerToken(c)
}
