// Package admin is the staff area under /admin. Staff roles and their pages arrive with the staff-area
// issue; until then every /admin address answers 404 to everyone, signed in or not, so nothing of the
// registry is reachable through it.
package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/web"
)

// Register adds the staff area's routes to the app.
func Register(s *web.Server) {
	s.App.Use("/admin", requireStaff)
}

// requireStaff lets no one through yet: no staff roles exist before the staff-area issue.
func requireStaff(*fiber.Ctx) error { return errs.New(errs.NotFound, "error.not_found") }
