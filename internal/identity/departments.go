package identity

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// staffDepartment ties a staff member (an executor, a department's head) to the department they work in.
type staffDepartment struct {
	PersonID     int64 `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID int64
}

func (staffDepartment) TableName() string { return "staff_departments" }

// SetDepartment places the person in a department (0: in none).
func (s *Service) SetDepartment(ctx context.Context, tx *gorm.DB, personID, departmentID int64) error {
	if departmentID == 0 {
		return tx.WithContext(ctx).Delete(&staffDepartment{}, "person_id = ?", personID).Error
	}
	err := tx.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"department_id"})}).
		Create(&staffDepartment{PersonID: personID, DepartmentID: departmentID}).Error
	if err != nil {
		return fmt.Errorf("set department: %w", err)
	}
	return nil
}

// DepartmentOf returns the department the person works in, 0 for none.
func (s *Service) DepartmentOf(ctx context.Context, personID int64) (int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&staffDepartment{}).Where("person_id = ?", personID).
		Pluck("department_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// StaffOfDepartment lists the staff of the department holding any of the roles who have an e-mail, inside tx.
func StaffOfDepartment(ctx context.Context, tx *gorm.DB, departmentID int64, roles ...string) ([]StaffContact, error) {
	var out []StaffContact
	err := tx.WithContext(ctx).Table("persons").Distinct("persons.id AS person_id", "persons.email").
		Joins("JOIN staff_roles ON staff_roles.person_id = persons.id").
		Joins("JOIN staff_departments ON staff_departments.person_id = persons.id").
		Where("staff_departments.department_id = ? AND staff_roles.role IN ? AND persons.email <> ''", departmentID, roles).
		Order("persons.id").Scan(&out).Error
	return out, err
}

// WorksIn tells, inside tx, whether the person works in the department with one of the roles.
func WorksIn(ctx context.Context, tx *gorm.DB, personID, departmentID int64, roles ...string) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Table("staff_departments").
		Joins("JOIN staff_roles ON staff_roles.person_id = staff_departments.person_id").
		Where("staff_departments.person_id = ? AND staff_departments.department_id = ? AND staff_roles.role IN ?",
			personID, departmentID, roles).Count(&n).Error
	return n > 0, err
}

// Contacts returns the e-mail contacts of the persons who have one, inside tx.
func Contacts(ctx context.Context, tx *gorm.DB, ids ...int64) ([]StaffContact, error) {
	var out []StaffContact
	err := tx.WithContext(ctx).Table("persons").Select("id AS person_id", "email").
		Where("id IN ? AND email <> ''", ids).Order("id").Scan(&out).Error
	return out, err
}

// DepartmentStaff is a staff member of a department, as routing forms offer them.
type DepartmentStaff struct {
	PersonID     int64
	DepartmentID int64
	LastName     string
	FirstName    string
	Patronymic   string
}

// Name is the staff member's full name.
func (d DepartmentStaff) Name() string {
	return strings.Join(strings.Fields(d.LastName+" "+d.FirstName+" "+d.Patronymic), " ")
}

// ExecutorsByDepartment lists every executor placed in a department, by department and name.
func (s *Service) ExecutorsByDepartment(ctx context.Context) ([]DepartmentStaff, error) {
	var out []DepartmentStaff
	err := s.db.WithContext(ctx).Table("staff_departments").
		Select("persons.id AS person_id, staff_departments.department_id, persons.last_name, persons.first_name, persons.patronymic").
		Joins("JOIN persons ON persons.id = staff_departments.person_id").
		Joins("JOIN staff_roles ON staff_roles.person_id = persons.id AND staff_roles.role = ?", RoleExecutor).
		Order("staff_departments.department_id, persons.last_name, persons.first_name").Scan(&out).Error
	return out, err
}
