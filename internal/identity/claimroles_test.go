package identity

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/dbtest"
)

func TestRolesClaimForms(t *testing.T) {
	cases := []struct {
		name           string
		claim          string
		all            map[string]any
		known, ignored []string
	}{
		{"off", "", map[string]any{"roles": []any{"admin"}}, nil, nil},
		{"absent", "roles", map[string]any{}, nil, nil},
		{"JSON array", "roles", map[string]any{"roles": []any{"Registrar", "executor", "registrar", 7}},
			[]string{"executor", "registrar"}, nil},
		{"spaces and commas", "roles", map[string]any{"roles": "head, analyst  offline_access"},
			[]string{"analyst", "head"}, []string{"offline_access"}},
		{"nested path", "realm_access.roles", map[string]any{"realm_access": map[string]any{"roles": []any{"moderator", "uma_authorization"}}},
			[]string{"moderator"}, []string{"uma_authorization"}},
		{"a claim named with dots", "https://rada.example/roles", map[string]any{"https://rada.example/roles": "admin"},
			[]string{"admin"}, nil},
		{"not a list", "roles", map[string]any{"roles": map[string]any{"admin": true}}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mapClaims(config.ClaimNames{Roles: tc.claim}, tc.all)
			if !slices.Equal(c.Roles, tc.known) || !slices.Equal(c.IgnoredRoles, tc.ignored) {
				t.Fatalf("roles %q ignored %q, want %q and %q", c.Roles, c.IgnoredRoles, tc.known, tc.ignored)
			}
		})
	}
}

// auditLines returns the actions and details logged about a person, oldest first.
func auditLines(t *testing.T, s *Service, personID int64) []string {
	t.Helper()
	list, _, err := audit.NewService(s.db).List(context.Background(), audit.Filter{ObjectType: "person", ObjectID: personID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].Action+" "+list[i].Detail)
	}
	return out
}

func rolesOf(t *testing.T, s *Service, personID int64) []string {
	t.Helper()
	_, roles, err := s.PersonWithRoles(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	return roles
}

// Roles from the claim are synced at every sign-in; roles granted otherwise never are.
func TestSignInSyncsClaimRoles(t *testing.T) {
	s := NewService(dbtest.Open(t), []byte("test-secret-test-secret-test-secret"))
	ctx := context.Background()
	claims := Claims{Issuer: "https://idp.test", Subject: "staff", Email: "staff@rada.example", EmailVerified: true,
		Roles: []string{RoleExecutor, RoleRegistrar}}
	p, err := s.SignIn(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	if got := rolesOf(t, s, p.ID); !slices.Equal(got, []string{RoleExecutor, RoleRegistrar}) {
		t.Fatalf("after the first sign-in: %v", got)
	}
	// The admin area grants head, and the executor role the claim also carries: that grant takes the
	// role over, so it stays when the claim drops it.
	for _, r := range []string{RoleHead, RoleExecutor} {
		if _, err := s.GrantRole(ctx, "staff@rada.example", r, "admin area"); err != nil {
			t.Fatal(err)
		}
	}
	// Signing in again with the same claim changes nothing.
	before := len(auditLines(t, s, p.ID))
	if _, err := s.SignIn(ctx, claims); err != nil {
		t.Fatal(err)
	}
	if n := len(auditLines(t, s, p.ID)); n != before {
		t.Fatalf("an unchanged sign-in wrote %d audit lines", n-before)
	}
	// Without the claim: only the registrar role, which came from the claim alone, goes.
	claims.Roles = nil
	if _, err := s.SignIn(ctx, claims); err != nil {
		t.Fatal(err)
	}
	if got := rolesOf(t, s, p.ID); !slices.Equal(got, []string{RoleExecutor, RoleHead}) {
		t.Fatalf("after a sign-in without the claim: %v", got)
	}
	want := []string{
		"staff.grant role=executor by=claim",
		"staff.grant role=registrar by=claim",
		"staff.grant role=head by=admin area",
		"staff.grant role=executor by=admin area",
		"staff.revoke role=registrar by=claim",
	}
	if got := auditLines(t, s, p.ID); !slices.Equal(got, want) {
		t.Fatalf("audit lines:\n%q\nwant\n%q", got, want)
	}
	// The claim brings a role back.
	claims.Roles = []string{RoleRegistrar}
	if _, err := s.SignIn(ctx, claims); err != nil {
		t.Fatal(err)
	}
	if got := rolesOf(t, s, p.ID); !slices.Equal(got, []string{RoleExecutor, RoleHead, RoleRegistrar}) {
		t.Fatalf("after the claim came back: %v", got)
	}
}

// twoAdmins is a service on a fresh database with two admins, the second of them an executor too.
func twoAdmins(t *testing.T) (gdb *gorm.DB, s *Service, admin, other *Person) {
	t.Helper()
	gdb = dbtest.Open(t)
	s = NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	ctx := context.Background()
	admin, err := s.SignIn(ctx, Claims{Issuer: "i", Subject: "admin", Email: "admin@rada.example", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	other, err = s.SignIn(ctx, Claims{Issuer: "i", Subject: "other", Email: "other@rada.example", EmailVerified: true, LastName: "Їжак"})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ email, role string }{{"admin@rada.example", RoleAdmin},
		{"other@rada.example", RoleAdmin}, {"other@rada.example", RoleExecutor}} {
		if _, err := s.GrantRole(ctx, g.email, g.role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return gdb, s, admin, other
}

// oneDepartment adds a department, written by hand since identity does not own the table, and
// returns its id.
func oneDepartment(t *testing.T, gdb *gorm.DB) int64 {
	t.Helper()
	if err := gdb.Exec("INSERT INTO departments (name_uk, name_en, active, created_at) VALUES ('Відділ', 'Office', TRUE, CURRENT_TIMESTAMP)").Error; err != nil {
		t.Fatal(err)
	}
	var dep int64
	if err := gdb.Raw("SELECT id FROM departments").Scan(&dep).Error; err != nil {
		t.Fatal(err)
	}
	return dep
}

func TestRevokeRoleAndDepartment(t *testing.T) {
	gdb, s, admin, other := twoAdmins(t)
	ctx := context.Background()
	asAdmin := audit.WithActor(ctx, audit.Actor{PersonID: admin.ID, IP: "192.0.2.1"})
	if err := s.RevokeRole(asAdmin, admin.ID, RoleAdmin); err == nil || err.Error() != "forbidden: staff.error.own_admin" {
		t.Fatalf("revoking one's own admin role: %v", err)
	}
	if err := s.RevokeRole(asAdmin, other.ID, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeRole(asAdmin, other.ID, RoleAdmin); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if got := rolesOf(t, s, other.ID); !slices.Equal(got, []string{RoleExecutor}) {
		t.Fatalf("roles after revoking: %v", got)
	}

	dep := oneDepartment(t, gdb)
	if err := s.SetStaffDepartment(asAdmin, other.ID, dep); err != nil {
		t.Fatal(err)
	}
	if got, err := s.DepartmentOf(ctx, other.ID); err != nil || got != dep {
		t.Fatalf("department: %d %v", got, err)
	}
	if err := s.SetStaffDepartment(asAdmin, other.ID, dep); err != nil {
		t.Fatal(err)
	}
	citizen, err := s.SignIn(ctx, Claims{Issuer: "i", Subject: "citizen"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetStaffDepartment(asAdmin, citizen.ID, dep); err == nil {
		t.Fatal("a citizen placed in a department")
	}
	members, err := s.StaffMembers(ctx)
	if err != nil || len(members) != 2 || members[1].PersonID != other.ID || members[1].DepartmentID != dep ||
		!members[1].Has(RoleExecutor) || members[1].Has(RoleAdmin) {
		t.Fatalf("staff: %+v %v", members, err)
	}

	want := []string{"staff.grant role=admin by=test", "staff.grant role=executor by=test",
		"staff.revoke role=admin by=test", "staff.department department=" + strconv.FormatInt(dep, 10) + " was=0"}
	if got := auditLines(t, s, other.ID); !slices.Equal(got, want) {
		t.Fatalf("audit lines:\n%q\nwant\n%q", got, want)
	}
	list, _, err := audit.NewService(gdb).List(ctx, audit.Filter{Action: "staff.revoke"})
	if err != nil || len(list) != 1 || list[0].ActorPersonID == nil || *list[0].ActorPersonID != admin.ID || list[0].IP != "192.0.2.1" {
		t.Fatalf("the revoke's actor: %+v %v", list, err)
	}
}
