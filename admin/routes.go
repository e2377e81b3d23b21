// Package admin is the staff area under /admin: one route table, one file per resource, templates in
// views/. Everything here needs a staff role (to everyone else it answers 404), and each page checks
// its own role.
package admin

import (
	"embed"
	"io/fs"
	"log/slog"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the staff area's templates, named "admin/<file>".
func Views() fs.FS { return web.ViewsOf(views) }

// Deps is what the staff area's handlers use.
type Deps struct {
	Log       *slog.Logger
	Notify    *notify.Service
	Petitions *petition.Service
	People    *identity.Service
}

type handlers struct {
	Deps
	web *web.Server
}

// Register adds the staff area's routes to the app.
func Register(s *web.Server, d Deps) {
	h := &handlers{Deps: d, web: s}
	staff := s.App.Group("/admin", web.RequireStaff)
	staff.Get("/", h.dashboard)

	petitions := staff.Group("/petitions", web.RequireRole(identity.RoleModerator, identity.RoleHead))
	petitions.Get("/", h.petitionQueue)
	petitions.Get("/:id<int>", h.petition)
	petitions.Post("/:id<int>/:action", h.petitionAction)

	admins := staff.Group("", web.RequireRole(identity.RoleAdmin))
	admins.Get("/mail", h.failedMail)
	admins.Post("/mail/:id<int>/retry", h.retryMail)
}
