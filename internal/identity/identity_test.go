package identity

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
)

var diiaNames = config.ClaimNames{TaxID: "drfocode", LastName: "lastname", GivenName: "givenname",
	MiddleName: "middlename", Email: "email", Phone: "phone", Address: "address", AuthType: "auth_type"}

func TestMapClaims(t *testing.T) {
	c := mapClaims(diiaNames, map[string]any{
		"drfocode": "1234567890", "lastname": " Шевченко ", "givenname": "Тарас", "middlename": "Григорович",
		"email": "t@example.org", "phone": "+380441234567", "auth_type": "dig_sign",
		"address": map[string]any{"formatted": "м. Київ, вул. Хрещатик, 1"},
	})
	want := Claims{TaxID: "1234567890", LastName: "Шевченко", GivenName: "Тарас", MiddleName: "Григорович",
		Email: "t@example.org", Phone: "+380441234567", Address: "м. Київ, вул. Хрещатик, 1", AuthType: "dig_sign"}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
	// Claim names come from configuration: a provider that uses the standard names works too.
	std := config.ClaimNames{LastName: "family_name", GivenName: "given_name"}
	if c := mapClaims(std, map[string]any{"family_name": "Franko", "given_name": "Ivan"}); c.LastName != "Franko" || c.GivenName != "Ivan" {
		t.Fatalf("standard claims: %+v", c)
	}
}

func TestTaxIDHashIsKeyedAndNormalised(t *testing.T) {
	a := NewService(nil, []byte("secret-one-secret-one-secret-one"))
	b := NewService(nil, []byte("secret-two-secret-two-secret-two"))
	h := a.TaxIDHash("1234567890")
	if len(h) != 64 || strings.Contains(h, "1234567890") {
		t.Fatalf("hash %q", h)
	}
	if a.TaxIDHash(" 1234 567 890 ") != h {
		t.Error("spaces must not change the hash")
	}
	if b.TaxIDHash("1234567890") == h {
		t.Error("the hash must depend on the server secret")
	}
}

func TestSignInRecognisesThePersonByTaxNumber(t *testing.T) {
	s := NewService(dbtest.Open(t), []byte("test-secret-test-secret-test-secret"))
	ctx := context.Background()
	first, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "bankid-1", TaxID: "3000000001", LastName: "Бондар"})
	if err != nil {
		t.Fatal(err)
	}
	// The same person through another identification method (another subject): the same record,
	// with the details refreshed.
	again, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "diia-77", TaxID: "3000000001", LastName: "Бондар-Коваль"})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.LastName != "Бондар-Коваль" {
		t.Fatalf("want the same person refreshed, got %+v (first %d)", again, first.ID)
	}
	other, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "diia-78", TaxID: "3000000002"})
	if err != nil || other.ID == first.ID {
		t.Fatalf("another tax number is another person: %v %v", other, err)
	}
	// Without a tax number, issuer and subject recognise the person.
	n1, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "no-tax"})
	if err != nil {
		t.Fatal(err)
	}
	n2, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test", Subject: "no-tax"})
	if err != nil || n1.ID != n2.ID || n1.TaxIDHash != nil {
		t.Fatalf("subject-only sign-in: %+v %+v %v", n1, n2, err)
	}
	if _, err := s.SignIn(ctx, Claims{Issuer: "https://idp.test"}); err == nil {
		t.Fatal("claims without a subject must be refused")
	}
}

func TestGrantRole(t *testing.T) {
	s := NewService(dbtest.Open(t), []byte("test-secret-test-secret-test-secret"))
	ctx := context.Background()
	if _, err := s.GrantRole(ctx, "head@rada.example", RoleHead, "test"); err == nil {
		t.Fatal("a role for someone who never signed in must be refused")
	}
	// Signed in, but the provider does not vouch for the e-mail: no role by it.
	if _, err := s.SignIn(ctx, Claims{Issuer: "i", Subject: "s", Email: "Head@Rada.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GrantRole(ctx, "head@rada.example", RoleHead, "test"); errs.CodeOf(err) != errs.Conflict ||
		!strings.Contains(err.Error(), "staff.error.email_unverified") {
		t.Fatalf("a role by an unverified e-mail: %v", err)
	}
	// Someone else claims the same address, unverified: the verified account is the one meant.
	if _, err := s.SignIn(ctx, Claims{Issuer: "i", Subject: "impostor", Email: "head@rada.example"}); err != nil {
		t.Fatal(err)
	}
	p, err := s.SignIn(ctx, Claims{Issuer: "i", Subject: "s", Email: "Head@Rada.example", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GrantRole(ctx, "head@rada.example", "king", "test"); err == nil {
		t.Fatal("an unknown role must be refused")
	}
	for range 2 { // granting twice is harmless
		if _, err := s.GrantRole(ctx, " head@rada.example ", RoleHead, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.GrantRole(ctx, "head@rada.example", RoleAdmin, "test"); err != nil {
		t.Fatal(err)
	}
	_, roles, err := s.PersonWithRoles(ctx, p.ID)
	if err != nil || len(roles) != 2 || roles[0] != RoleAdmin || roles[1] != RoleHead {
		t.Fatalf("roles: %v %v", roles, err)
	}
}

// email_verified is read as a JSON bool or the strings "true"/"false", under the configured name; an
// e-mail the provider does not mention as verified is not.
func TestEmailVerifiedClaim(t *testing.T) {
	names := config.ClaimNames{Email: "email", EmailVerified: "email_verified"}
	for _, c := range []struct {
		value any
		want  bool
	}{{true, true}, {false, false}, {"true", true}, {"TRUE", true}, {"false", false}, {"yes", false}, {1.0, false}, {nil, false}} {
		all := map[string]any{"email": "a@example.org"}
		if c.value != nil {
			all["email_verified"] = c.value
		}
		if got := mapClaims(names, all).EmailVerified; got != c.want {
			t.Errorf("email_verified %#v: %v, want %v", c.value, got, c.want)
		}
	}
	names.EmailVerified = "mail_ok"
	if !mapClaims(names, map[string]any{"mail_ok": true}).EmailVerified {
		t.Error("the configured claim name is not read")
	}
	// Stored on the person, and never for an empty e-mail.
	s := NewService(dbtest.Open(t), []byte("test-secret-test-secret-test-secret"))
	p, err := s.SignIn(context.Background(), Claims{Issuer: "i", Subject: "x", EmailVerified: true})
	if err != nil || p.EmailVerified {
		t.Fatalf("no e-mail, verified: %+v %v", p, err)
	}
	p, err = s.SignIn(context.Background(), Claims{Issuer: "i", Subject: "x", Email: "x@example.org", EmailVerified: true})
	if err != nil || !p.EmailVerified {
		t.Fatalf("a verified e-mail: %+v %v", p, err)
	}
	again, err := s.Person(context.Background(), p.ID)
	if err != nil || !again.EmailVerified {
		t.Fatalf("stored: %+v %v", again, err)
	}
}
