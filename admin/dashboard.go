package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/web"
)

func (h *handlers) dashboard(c *fiber.Ctx) error {
	return c.Render("admin/dashboard", fiber.Map{
		"Title":        h.web.TextsOf(c).T("admin.title"),
		"Roles":        web.RolesOf(c),
		"IsAdmin":      web.HasRole(c, identity.RoleAdmin),
		"CanPetitions": web.HasRole(c, identity.RoleModerator, identity.RoleHead),
		"CanRegistry":  web.HasRole(c, registryRoles...),
	})
}
