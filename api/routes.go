// Package api is the machine API for integrations under /api/v1/appeals: a hotline, a city app or another
// authority's system files appeals into the registry and follows them, with a token an admin issued to
// its source (internal/apitoken). One route table, one file per resource; requests and responses are
// JSON, errors RFC 9457 problem details (problem.go), the contract an OpenAPI 3.1 document served at
// /api/v1/openapi.json and checked against the real responses in the tests.
package api

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

// Prefix is where the API's appeals live.
const Prefix = "/api/v1/appeals"

// Deps is what the API's handlers use.
type Deps struct {
	Log        *slog.Logger
	Registry   *registry.Service
	Sources    *source.Service
	Classifier *classifier.Classifier
}

type handlers struct {
	Deps
	web *web.Server
}

// Register adds the API's routes to the app: the machine area (token, rate limit, problem details) and
// its public description.
func Register(s *web.Server, d Deps) {
	h := &handlers{Deps: d, web: s}
	s.App.Get("/api/v1/openapi.json", h.openAPI)

	appeals := s.Machine(Prefix, web.MachineArea{TokenOf: web.BearerToken, Errors: h.problem})
	appeals.Post("/", scope(apitoken.ScopeAppealsWrite), h.createAppeal)
	appeals.Get("/changes", scope(apitoken.ScopeAppealsRead), h.changes)
	appeals.Get("/:id<int>", scope(apitoken.ScopeAppealsRead), h.appeal)
}

// scope lets a request through when it brings a live token with the scope: none at all is 401 (the
// machine area has already refused an unknown, revoked or expired one), a token without it 403.
func scope(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t := web.TokenOf(c)
		switch {
		case t == nil:
			return errs.New(errs.Unauthenticated, "token.error.invalid")
		case !t.Has(name):
			return errs.New(errs.Forbidden, "api.error.scope")
		}
		return c.Next()
	}
}
