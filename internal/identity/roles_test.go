package identity

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
)

func TestPersonWithRoles(t *testing.T) {
	s := NewService(dbtest.Open(t), []byte("test-secret-test-secret-test-secret"))
	ctx := context.Background()
	citizen, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "c", TaxID: "3000000001", LastName: "Бондар"})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "s", TaxID: "3000000002", LastName: "Мельник",
		Email: "staff@rada.example", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{RoleRegistrar, RoleAdmin} {
		if _, err := s.GrantRole(ctx, "staff@rada.example", role, "test"); err != nil {
			t.Fatal(err)
		}
	}

	p, roles, err := s.PersonWithRoles(ctx, citizen.ID)
	if err != nil || p.ID != citizen.ID || p.LastName != "Бондар" || p.TaxIDHash == nil || len(roles) != 0 {
		t.Fatalf("citizen: %+v %v %v", p, roles, err)
	}
	p, roles, err = s.PersonWithRoles(ctx, staff.ID)
	if err != nil || p.ID != staff.ID || p.Email != "staff@rada.example" || !slices.Equal(roles, []string{RoleAdmin, RoleRegistrar}) {
		t.Fatalf("staff: %+v %v %v", p, roles, err)
	}
	// The same answer as the two separate queries.
	alone, err := s.Person(ctx, staff.ID)
	if err != nil || !reflect.DeepEqual(alone, p) {
		t.Fatalf("Person: %+v, PersonWithRoles: %+v (%v)", alone, p, err)
	}
	if _, _, err := s.PersonWithRoles(ctx, staff.ID+100); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a missing person: %v", err)
	}
}
