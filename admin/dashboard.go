package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// dashboard is the staff area's front page: the links each role needs and, for everyone who works with
// appeals, a department's dashboard — overdue, due within 5 days, waiting for approval. An executor
// sees their own department's; the others choose a department or see the whole council.
func (h *handlers) dashboard(c *fiber.Ctx) error {
	data := fiber.Map{
		"Title":        h.web.TextsOf(c).T("admin.title"),
		"Roles":        web.RolesOf(c),
		"IsAdmin":      web.HasRole(c, identity.RoleAdmin),
		"CanPetitions": web.HasRole(c, identity.RoleModerator, identity.RoleHead),
		"CanRegistry":  web.HasRole(c, registryRoles...),
		"CanRegister":  web.HasRole(c, identity.RoleRegistrar, identity.RoleAdmin),
		"CanReports":   web.HasRole(c, identity.RoleAnalyst, identity.RoleAdmin),
		"CanOutgoing":  web.HasRole(c, identity.RoleRegistrar, identity.RoleHead, identity.RoleAnalyst, identity.RoleAdmin),
	}
	if !web.HasRole(c, registryRoles...) {
		return c.Render("admin/dashboard", data)
	}
	scoped, dept, err := h.executorScope(c)
	if err != nil {
		return err
	}
	if !scoped {
		dept = web.ReadQuery(c).ID("department") // one that cannot be read is none: the choice below
		deps, err := h.Departments.List(c.UserContext(), false)
		if err != nil {
			return err
		}
		data["Departments"] = deps
	}
	data["Scoped"], data["Department"] = scoped, dept
	if scoped && dept == 0 {
		data["NoDepartment"] = true // an executor not yet placed in a department: nothing to show
		return c.Render("admin/dashboard", data)
	}
	// An executor's board holds what the registry shows them: appeals their department leads or helps with.
	base := registry.Filter{DepartmentID: dept}
	if scoped {
		base = registry.Filter{Scoped: true, ScopeDepartment: dept}
	}
	board, err := h.Registry.DepartmentDashboard(c.UserContext(), base)
	if err != nil {
		return err
	}
	data["Board"] = board
	data["DueDays"] = registry.DashboardDueDays
	dayOff := map[int64]bool{} // due on a day off: flagged, so the work is done before
	for _, list := range [][]registry.Appeal{board.Overdue, board.DueSoon, board.AwaitingApproval} {
		for i := range list {
			if h.Registry.DueOnDayOff(&list[i]) {
				dayOff[list[i].ID] = true
			}
		}
	}
	data["DayOff"] = dayOff
	q := ""
	if dept != 0 && !scoped { // an executor's registry is already narrowed to their department's appeals
		q = "&department=" + strconv.FormatInt(dept, 10)
	}
	data["OverdueLink"] = "/admin/appeals?overdue=1&sort=due_asc" + q
	data["DueSoonLink"] = "/admin/appeals?sort=due_asc&due_within=" + strconv.Itoa(registry.DashboardDueDays) + q
	data["AwaitingLink"] = "/admin/appeals?status=" + registry.StatusAwaitingApproval + q
	data["BreachLink"] = "/admin/appeals?breach=1&from=" + board.BreachesFrom.Format("2006-01-02") + q
	return c.Render("admin/dashboard", data)
}
