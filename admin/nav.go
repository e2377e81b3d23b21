package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// navLink is one entry of the staff area's navigation, shown to the roles that may open it.
type navLink struct {
	href, label string
	roles       []string
	// current says whether a page's path (without the query) belongs to this entry.
	current func(path string) bool
}

// NavItem is a navigation entry as the layout shows it.
type NavItem struct {
	Href, Label string
	Current     bool
}

func under(prefix string) func(string) bool {
	return func(p string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }
}

// staffNav is the staff area's navigation in the order a day's work goes: the registry and registration
// first, control of terms, approval, then the other duties, administration last.
var staffNav = []navLink{
	{"/admin/appeals", "staff.nav.registry", registryRoles, func(p string) bool {
		return p == "/admin/appeals" || strings.HasPrefix(p, "/admin/appeals/") && p != "/admin/appeals/new"
	}},
	{"/admin/appeals/new", "staff.nav.register", []string{identity.RoleRegistrar, identity.RoleAdmin}, under("/admin/appeals/new")},
	{"/admin/#control", "staff.nav.control", registryRoles, func(p string) bool { return p == "/admin" || p == "/admin/" }},
	{"/admin/appeals?status=" + registry.StatusAwaitingApproval, "staff.nav.approval", []string{identity.RoleHead}, func(string) bool { return false }},
	{"/admin/petitions", "staff.nav.petitions", []string{identity.RoleModerator, identity.RoleHead}, under("/admin/petitions")},
	{"/admin/reception", "staff.nav.reception", receptionDesk, under("/admin/reception")},
	{"/admin/report", "staff.nav.reports", []string{identity.RoleAnalyst, identity.RoleAdmin}, under("/admin/report")},
	{"/admin/import", "staff.nav.import", []string{identity.RoleRegistrar, identity.RoleAdmin}, under("/admin/import")},
	{"/admin/dispatch", "staff.nav.dispatch", []string{identity.RoleRegistrar, identity.RoleAdmin}, under("/admin/dispatch")},
	{"/admin/#operations", "staff.nav.administration", []string{identity.RoleAdmin}, func(p string) bool {
		for _, prefix := range []string{"/admin/staff", "/admin/departments", "/admin/settlements", "/admin/audit", "/admin/mail", "/admin/open311", "/admin/tokens"} {
			if under(prefix)(p) {
				return true
			}
		}
		return false
	}},
}

// bindNav gives every staff page the navigation of the visitor's roles; the layout (web/top) shows it
// instead of the citizens' links.
func (h *handlers) bindNav(c *fiber.Ctx) error {
	l := h.web.TextsOf(c)
	path := strings.TrimSuffix(c.Path(), "/")
	var items []NavItem
	for _, n := range staffNav {
		if web.HasRole(c, n.roles...) {
			items = append(items, NavItem{Href: n.href, Label: l.T(n.label), Current: n.current(path)})
		}
	}
	if err := c.Bind(fiber.Map{"StaffNav": items}); err != nil {
		return err
	}
	return c.Next()
}
