package identity

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
)

// StaffRole is one role a staff member holds and where it came from.
type StaffRole struct {
	Role      string
	GrantedBy string // GrantedByClaim, "hromada admin grant", "admin area", ...
	GrantedAt time.Time
}

// FromClaim says whether the role came from the provider's roles claim: revoking it here lasts only
// until the next sign-in that carries it again.
func (r StaffRole) FromClaim() bool { return r.GrantedBy == GrantedByClaim }

// StaffMember is a person holding at least one staff role, as the admins' staff page lists them.
type StaffMember struct {
	PersonID     int64
	LastName     string
	FirstName    string
	Patronymic   string
	Email        string
	Roles        []StaffRole // by role code
	DepartmentID int64       // 0: in none
}

// FullName is "Прізвище Ім'я По батькові".
func (m *StaffMember) FullName() string {
	p := Person{LastName: m.LastName, FirstName: m.FirstName, Patronymic: m.Patronymic}
	return p.FullName()
}

// Has says whether the member holds the role.
func (m *StaffMember) Has(role string) bool {
	return slices.ContainsFunc(m.Roles, func(r StaffRole) bool { return r.Role == role })
}

// StaffMembers lists everyone holding a staff role with their roles and department, in the order of
// a Ukrainian name list (collated in Go: neither database orders і, ї, є and ґ right by itself).
func (s *Service) StaffMembers(ctx context.Context) ([]StaffMember, error) {
	var rows []struct {
		PersonID                        int64
		LastName, FirstName, Patronymic string
		Email                           string
		Role, GrantedBy                 string
		GrantedAt                       time.Time
	}
	err := s.db.WithContext(ctx).Table("persons").
		Select("persons.id AS person_id, persons.last_name, persons.first_name, persons.patronymic, persons.email, " +
			"staff_roles.role, staff_roles.granted_by, staff_roles.granted_at").
		Joins("JOIN staff_roles ON staff_roles.person_id = persons.id").
		Order("persons.id, staff_roles.role").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var out []StaffMember
	ids := []int64{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].PersonID != r.PersonID {
			out = append(out, StaffMember{PersonID: r.PersonID, LastName: r.LastName, FirstName: r.FirstName,
				Patronymic: r.Patronymic, Email: r.Email})
			ids = append(ids, r.PersonID)
		}
		m := &out[len(out)-1]
		m.Roles = append(m.Roles, StaffRole{Role: r.Role, GrantedBy: r.GrantedBy, GrantedAt: r.GrantedAt})
	}
	if len(ids) > 0 {
		var deps []staffDepartment
		if err := s.db.WithContext(ctx).Where("person_id IN ?", ids).Find(&deps).Error; err != nil {
			return nil, fmt.Errorf("list staff departments: %w", err)
		}
		byPerson := map[int64]int64{}
		for _, d := range deps {
			byPerson[d.PersonID] = d.DepartmentID
		}
		for i := range out {
			out[i].DepartmentID = byPerson[out[i].PersonID]
		}
	}
	col := collate.New(language.Ukrainian, collate.IgnoreCase)
	slices.SortStableFunc(out, func(a, b StaffMember) int { return col.CompareString(a.FullName(), b.FullName()) })
	return out, nil
}

// RevokeRole takes a role from a staff member, with its audit line (auditRevoke) in the same
// transaction. An admin cannot take their own admin role: the council would risk being left with no
// one able to manage staff, and a slip of the mouse should not lock anyone out. Revoking a role the
// person does not hold changes nothing.
func (s *Service) RevokeRole(ctx context.Context, personID int64, role string) error {
	if !slices.Contains(Roles, role) {
		return errs.New(errs.Invalid, "staff.error.role")
	}
	if role == RoleAdmin && personID == audit.ActorOf(ctx).PersonID {
		return errs.New(errs.Forbidden, "staff.error.own_admin")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var held []staffRole
		if err := tx.Where("person_id = ? AND role = ?", personID, role).Find(&held).Error; err != nil {
			return err
		}
		if len(held) == 0 {
			return nil
		}
		if err := tx.Where("person_id = ? AND role = ?", personID, role).Delete(&staffRole{}).Error; err != nil {
			return fmt.Errorf("revoke role: %w", err)
		}
		return audit.Record(ctx, tx, auditRevoke, "person", personID, "role="+role+" by="+held[0].GrantedBy)
	})
}

// SetStaffDepartment places a staff member in a department (0: in none), with its audit line
// (auditDepartment) in the same transaction. Only staff have a department: anyone else is NotFound.
// The caller offers active departments only; the database refuses one that does not exist.
func (s *Service) SetStaffDepartment(ctx context.Context, personID, departmentID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var roles int64
		if err := tx.Model(&staffRole{}).Where("person_id = ?", personID).Count(&roles).Error; err != nil {
			return err
		}
		if roles == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		var was []int64
		if err := tx.Model(&staffDepartment{}).Where("person_id = ?", personID).Pluck("department_id", &was).Error; err != nil {
			return err
		}
		before := int64(0)
		if len(was) > 0 {
			before = was[0]
		}
		if before == departmentID {
			return nil
		}
		if err := s.SetDepartment(ctx, tx, personID, departmentID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditDepartment, "person", personID,
			"department="+strconv.FormatInt(departmentID, 10)+" was="+strconv.FormatInt(before, 10))
	})
}
