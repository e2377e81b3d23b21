package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/web"
)

func personID(c *fiber.Ctx) int64 {
	if p := web.PersonOf(c); p != nil {
		return p.ID
	}
	return 0
}

// grantedInAdminArea marks roles granted on the staff page; the audit line names who granted them.
const grantedInAdminArea = "admin area"

// staffPageForm is what the staff page shows again when a change is refused: the grant form as typed,
// and for a refused row its message and the department that was chosen.
type staffPageForm struct {
	Email, Role string
	Fields      map[string]string // grant form: field → message id
	Row         int64             // the staff member whose row was refused
	RowError    string            // message id
	RowDept     string            // the department chosen in that row
}

// staffPage lists the staff with their roles and departments, and the form to grant a role.
func (h *handlers) staffPage(c *fiber.Ctx) error {
	return h.renderStaff(c, staffPageForm{Role: identity.RoleRegistrar})
}

func (h *handlers) renderStaff(c *fiber.Ctx, f staffPageForm) error {
	ctx := c.UserContext()
	members, err := h.People.StaffMembers(ctx)
	if err != nil {
		return err
	}
	all, err := h.Departments.List(ctx, false)
	if err != nil {
		return err
	}
	// Everyone's department is named, an inactive one too; the select offers the active ones, plus an
	// inactive one where a member still is, so saving another field of that row never moves them.
	byID := map[int64]department.Department{}
	for _, d := range all {
		byID[d.ID] = d
	}
	l := h.web.TextsOf(c)
	return c.Render("admin/staff", fiber.Map{
		"Title":       l.T("admin.staff.title"),
		"Members":     members,
		"Departments": all,
		"DeptByID":    byID,
		"Roles":       identity.Roles,
		"Me":          personID(c),
		"Form":        f,
	})
}

// grantStaffRole gives a role to the person with the e-mail (who must have signed in once).
func (h *handlers) grantStaffRole(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	f := staffPageForm{Email: r.Line("email", form.MaxLine), Role: r.Line("role", form.MaxLine)}
	field := "email"
	switch {
	case len(r.Problems()) > 0:
		f.Fields = r.Problems()
	case f.Email == "":
		f.Fields = map[string]string{"email": "admin.staff.error.email"}
	default:
		p, err := h.People.GrantRole(c.UserContext(), f.Email, f.Role, grantedInAdminArea)
		if refused := errs.As(err, errs.Invalid, errs.NotFound, errs.Forbidden, errs.Conflict); refused != nil {
			if refused.Message == "staff.error.role" {
				field = "role"
			}
			f.Fields = map[string]string{field: refused.Message}
			break
		}
		if err != nil {
			return err
		}
		h.Log.Info("staff role granted", "person_id", p.ID, "role", f.Role, "by_person_id", personID(c))
	}
	if f.Fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaff(c, f)
	}
	return h.web.Done(c, "admin.staff.granted", "/admin/staff")
}

// revokeStaffRole takes a role from a staff member; an admin's own admin role is refused with a message.
func (h *handlers) revokeStaffRole(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	role := r.Line("role", form.MaxLine)
	if len(r.Problems()) > 0 {
		role = "" // refused below as no role of theirs
	}
	err = h.People.RevokeRole(c.UserContext(), id, role)
	if refused := errs.As(err, errs.Forbidden, errs.Invalid); refused != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaff(c, staffPageForm{Role: identity.RoleRegistrar, Row: id, RowError: refused.Message})
	}
	if err != nil {
		return err
	}
	h.Log.Info("staff role revoked", "person_id", id, "role", role, "by_person_id", personID(c))
	return h.web.Done(c, "admin.staff.revoked", "/admin/staff")
}

// setStaffDepartment places a staff member in an active department, or in none.
func (h *handlers) setStaffDepartment(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	raw := r.Line("department", form.MaxLine)
	refuse := func(msg string) error {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaff(c, staffPageForm{Role: identity.RoleRegistrar, Row: id, RowError: msg, RowDept: raw})
	}
	var dep int64
	if raw != "" {
		if dep, err = strconv.ParseInt(raw, 10, 64); err != nil || dep <= 0 {
			return refuse("admin.staff.error.department")
		}
		d, err := h.Departments.Get(c.UserContext(), dep)
		if errs.Is(err, errs.NotFound) {
			return refuse("admin.staff.error.department")
		}
		if err != nil {
			return err
		}
		current, err := h.People.DepartmentOf(c.UserContext(), id)
		if err != nil {
			return err
		}
		if !d.Active && current != dep { // nobody is placed anew in a department that no longer works
			return refuse("admin.staff.error.department")
		}
	}
	if err := h.People.SetStaffDepartment(c.UserContext(), id, dep); err != nil {
		return err
	}
	h.Log.Info("staff department set", "person_id", id, "department_id", dep, "by_person_id", personID(c))
	return h.web.Done(c, "admin.staff.department_set", "/admin/staff")
}
