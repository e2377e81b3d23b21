package portal_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
)

const (
	olena  = "dev-citizen-olena"  // Шевченко Олена Петрівна
	andrii = "dev-citizen-andrii" // Коваленко Андрій Миколайович
)

func sessionCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hromada_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignInFlow(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)

	home := apptest.Get(t, c, s.Path("/"))
	if home.Status != 200 || sessionCookie(t, c, s.URL) != "" {
		t.Fatalf("home: %d; reading public pages must not start a session", home.Status)
	}
	apptest.Get(t, c, s.Path("/auth/login")) // the pending sign-in lives in a session
	before := sessionCookie(t, c, s.URL)
	if before == "" {
		t.Fatal("starting a sign-in keeps a session")
	}
	landed := s.SignIn(t, c, olena)
	if landed != "/appeals" {
		t.Fatalf("after sign-in: landed on %q, want the return path /appeals", landed)
	}
	after := sessionCookie(t, c, s.URL)
	if after == "" || after == before {
		t.Fatal("the session id must be renewed at sign-in")
	}
	page := apptest.Get(t, c, s.Path("/appeals"))
	if page.Status != 200 || !strings.Contains(page.Body, "Шевченко Олена Петрівна") {
		t.Fatalf("my appeals after sign-in: %d\n%.1500s", page.Status, page.Body)
	}

	// The same person signing in again is the same person (recognised by the tax-number hash).
	var count int64
	if err := s.App.DB.Table("persons").Count(&count).Error; err != nil || count != 1 {
		t.Fatalf("persons after one sign-in: %d, %v", count, err)
	}
	var hash string
	if err := s.App.DB.Table("persons").Select("tax_id_hash").Scan(&hash).Error; err != nil {
		t.Fatal(err)
	}
	if len(hash) != 64 || strings.Contains(hash, "9990110022") {
		t.Fatalf("the tax number must be stored only as a keyed hash, got %q", hash)
	}
	c2 := apptest.Browser(t)
	s.SignIn(t, c2, olena)
	if err := s.App.DB.Table("persons").Count(&count).Error; err != nil || count != 1 {
		t.Fatalf("persons after a second sign-in of the same person: %d, %v", count, err)
	}
	var sessions []string
	if err := s.App.DB.Table("sessions").Pluck("data", &sessions).Error; err != nil {
		t.Fatal(err)
	}
	for _, d := range sessions {
		if strings.Contains(d, "9990110022") {
			t.Fatal("a session holds the tax number in clear")
		}
	}

	// Sign-out ends the session and goes through the provider's end_session endpoint.
	page = apptest.Get(t, c, s.Path("/appeals"))
	r := apptest.PostForm(t, c, s.Path("/auth/logout"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, s.IdPURL+"/end_session") {
		t.Fatalf("sign-out: %d %q", r.Status, r.Location)
	}
	r = apptest.Get(t, c, s.Path("/appeals"))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth/login") {
		t.Fatalf("after sign-out /appeals must ask to sign in, got %d %q", r.Status, r.Location)
	}
}

func TestSignInRefusesWrongStateAndReplayedCode(t *testing.T) {
	s := apptest.Start(t, nil)

	t.Run("wrong state", func(t *testing.T) {
		c := apptest.Browser(t)
		cb := s.SignInSteps(t, c, olena, "/")
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Set("state", "forged-"+q.Get("state"))
		u.RawQuery = q.Encode()
		r := apptest.Get(t, c, u.String())
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Спроба входу застаріла") {
			t.Fatalf("forged state: %d\n%.800s", r.Status, r.Body)
		}
		if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusSeeOther {
			t.Fatalf("a refused sign-in must not sign in: %d", r.Status)
		}
	})

	t.Run("replayed callback", func(t *testing.T) {
		c := apptest.Browser(t)
		cb := s.SignInSteps(t, c, olena, "/")
		if r := apptest.Get(t, c, cb); r.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d", r.Status)
		}
		other := apptest.Browser(t)
		apptest.Get(t, other, s.Path("/"))
		if r := apptest.Get(t, other, cb); r.Status != http.StatusBadRequest {
			t.Fatalf("the callback replayed in another browser: want 400, got %d", r.Status)
		}
	})

	t.Run("replayed code", func(t *testing.T) {
		c := apptest.Browser(t)
		cb := s.SignInSteps(t, c, olena, "/")
		if r := apptest.Get(t, c, cb); r.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d", r.Status)
		}
		// An attacker with the used code starts their own sign-in, then presents the old code with
		// their own valid state: the provider refuses the code, so no session is made.
		attacker := apptest.Browser(t)
		fresh := s.SignInSteps(t, attacker, andrii, "/")
		fu, _ := url.Parse(fresh)
		old, _ := url.Parse(cb)
		q := fu.Query()
		q.Set("code", old.Query().Get("code"))
		fu.RawQuery = q.Encode()
		r := apptest.Get(t, attacker, fu.String())
		if r.Status != http.StatusBadRequest {
			t.Fatalf("replayed code: want 400, got %d %q", r.Status, r.Location)
		}
		if r := apptest.Get(t, attacker, s.Path("/appeals")); r.Status != http.StatusSeeOther {
			t.Fatalf("a replayed code must not sign in: %d", r.Status)
		}
	})

	t.Run("no open redirect after sign-in", func(t *testing.T) {
		c := apptest.Browser(t)
		cb := s.SignInSteps(t, c, olena, "//evil.example/steal")
		r := apptest.Get(t, c, cb)
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("return path //evil.example: got %d %q, want /", r.Status, r.Location)
		}
	})
}

func postAppeal(t *testing.T, s *apptest.Server, c *http.Client, fields url.Values, files map[string][]byte) apptest.Response {
	t.Helper()
	var list []apptest.File
	for name, data := range files {
		list = append(list, apptest.File{Field: "attachments", Name: name, Data: data})
	}
	return s.FileAppeal(t, c, fields, list...)
}

func goodAppeal(csrf string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "questions": {"2"},
		"last_name": {"Шевченко"}, "first_name": {"Олена"}, "patronymic": {"Петрівна"},
		"address": {"м. Зразкове, вул. Соборна, буд. 12, кв. 5"}, "email": {"olena.shevchenko@mail.example"},
		"type": {"complaint"}, "q0_subject": {"09"}, "q0_text": {"Немає гарячої води"},
		"q1_subject": {"10"}, "q1_text": {"Протікає дах"},
		"summary": {"Третій тиждень у будинку на Соборній, 12 немає гарячої води, а дах протікає."},
		"consent": {"yes"}, "categories": {"idp"},
	}
}

var appealLink = regexp.MustCompile(`^/appeals/(\d+)/registered$`)

// A session ends a fixed time after sign-in however active it is (HROMADA_SESSION_MAX_AGE), as well
// as after idleness.
func TestSessionEndsAtItsMaxAgeEvenIfActive(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusOK {
		t.Fatalf("signed in: %d", r.Status)
	}
	// Signed in 7 days and a minute ago, used a moment ago (the idle expiry is hours away).
	res := s.App.DB.Table("sessions").Where("id = ?", sessionCookie(t, c, s.URL)).
		Update("created_at", time.Now().UTC().Add(-7*24*time.Hour-time.Minute))
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("ageing the session: %v (%d rows)", res.Error, res.RowsAffected)
	}
	if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth/login") {
		t.Fatalf("a session older than its max age: want a redirect to sign in, got %d %q", r.Status, r.Location)
	}
	// Signing in again works under the same browser: the old session's id begins anew.
	s.SignIn(t, c, olena)
	if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusOK {
		t.Fatalf("signed in again: %d", r.Status)
	}
}

// "Sign out on all devices" ends every session of the person, in every browser, and no one else's.
func TestSignOutEverywhere(t *testing.T) {
	s := apptest.Start(t, nil)
	here, there, someoneElse := apptest.Browser(t), apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, here, olena)
	s.SignIn(t, there, olena)
	s.SignIn(t, someoneElse, andrii)
	page := apptest.Get(t, here, s.Path("/account/notices"))
	if !strings.Contains(page.Body, "Вийти на всіх пристроях") {
		t.Fatalf("the account page has no button to sign out everywhere:\n%.2000s", page.Body)
	}
	r := apptest.PostForm(t, here, s.Path("/account/sessions/end"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", r.Status)
	}
	if home := apptest.Get(t, here, s.Path("/")); !strings.Contains(home.Body, "Ви вийшли з усіх сеансів") {
		t.Error("no message after signing out everywhere")
	}
	for name, c := range map[string]*http.Client{"this browser": here, "another browser": there} {
		if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth/login") {
			t.Errorf("%s after signing out everywhere: %d %q", name, r.Status, r.Location)
		}
	}
	if r := apptest.Get(t, someoneElse, s.Path("/appeals")); r.Status != http.StatusOK {
		t.Errorf("another person's session: %d", r.Status)
	}
}

func TestFileAppeal(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)

	form := apptest.Get(t, c, s.Path("/appeals/new"))
	if form.Status != 200 || !strings.Contains(form.Body, `value="Шевченко"`) ||
		!strings.Contains(form.Body, `value="м. Зразкове, вул. Соборна, буд. 12, кв. 5"`) {
		t.Fatalf("the form must be prefilled from the identity:\n%.3000s", form.Body)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
	r := postAppeal(t, s, c, goodAppeal(apptest.CSRF(t, form.Body)), map[string][]byte{"акт огляду.pdf": pdf})
	m := appealLink.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("submit: want 303 to the appeal, got %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	// The confirmation: the index, the deadline, the e-mail the confirmation goes to.
	conf := apptest.Get(t, c, s.Path(r.Location))
	for _, want := range []string{"Звернення зареєстровано", `class="index">Ш-1/`, "Відповідь — не пізніше", "Що буде далі",
		"Підтвердження з реєстраційним індексом надсилаємо на адресу olena.shevchenko@mail.example"} {
		if !strings.Contains(conf.Body, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	page := apptest.Get(t, c, s.Path("/appeals/"+m[1]))
	for _, want := range []string{"Ш-1", "Строк розгляду до", "Комунальне господарство",
		"Житлова політика", "акт огляду.pdf", "Внутрішньо переміщена особа", "першочерговий розгляд"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the appeal page lacks %q", want)
		}
	}
	list := apptest.Get(t, c, s.Path("/appeals"))
	if !strings.Contains(list.Body, `href="/appeals/`+m[1]+`">Ш-1/`) {
		t.Fatalf("My appeals lacks the new appeal:\n%.3000s", list.Body)
	}
	link := regexp.MustCompile(`href="(/appeals/\d+/attachments/\d+)"`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatal("no attachment link")
	}
	att := apptest.Get(t, c, s.Path(link[1]))
	if att.Status != 200 || att.Body != string(pdf) || att.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(att.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("attachment download: %d %v", att.Status, att.Header)
	}

	// Another citizen gets 404 for the appeal and its file, exactly as for one that does not exist.
	other := apptest.Browser(t)
	s.SignIn(t, other, andrii)
	for _, p := range []string{"/appeals/" + m[1], link[1], "/appeals/999999"} {
		if r := apptest.Get(t, other, s.Path(p)); r.Status != http.StatusNotFound {
			t.Errorf("%s as another citizen: want 404, got %d", p, r.Status)
		}
	}
	if l := apptest.Get(t, other, s.Path("/appeals")); strings.Contains(l.Body, "Ш-1") {
		t.Error("another citizen's list shows the appeal")
	}

	// The author gets the notice with the index, by e-mail, in Ukrainian.
	mails := s.Mail.WaitFor(t, 1, 15*time.Second)
	if mails[0].To[0] != "olena.shevchenko@mail.example" || !strings.HasPrefix(mails[0].Subject, "Звернення Ш-1/") ||
		!strings.Contains(mails[0].Part("text/plain"), s.Path("/appeals/"+m[1])) {
		t.Fatalf("registration notice: to %v, subject %q\n%s", mails[0].To, mails[0].Subject, mails[0].Part("text/plain"))
	}
}

func TestRefusedAppealKeepsInput(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	v := goodAppeal(apptest.CSRF(t, form.Body))
	v.Set("summary", `<script>alert("x")</script> короткий`)
	v.Set("address", "")
	v.Del("consent")
	v.Set("q1_subject", "")
	v.Set("q1_text", "Питання без тематики")
	r := postAppeal(t, s, c, v, map[string][]byte{"virus.pdf": []byte("MZ\x90\x00 not a pdf")})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("refused form: want 422, got %d %q", r.Status, r.Location)
	}
	for _, want := range []string{
		"Форму не надіслано",
		"Вкажіть місце проживання",                        // beside the address
		"Без згоди на обробку персональних даних",         // beside the consent
		"Оберіть тематику питання",                        // question 2 has text but no subject
		`value="Питання без тематики"`,                    // typed text kept
		`value="Немає гарячої води"`,                      // the good question kept
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`, // kept and escaped
		`<option value="09" selected>`,                    // chosen subject kept
		`value="complaint" checked`,                       // chosen type kept
		`aria-invalid="true"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if strings.Contains(r.Body, `<script>alert("x")</script>`) {
		t.Fatal("typed HTML must be escaped")
	}

	// A file whose content is not PDF/JPEG/PNG is refused even when named .pdf.
	v = goodAppeal(apptest.CSRF(t, r.Body))
	r = postAppeal(t, s, c, v, map[string][]byte{"virus.pdf": []byte("MZ\x90\x00 not a pdf")})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Приймаються лише файли PDF, JPEG або PNG") {
		t.Fatalf("disguised file: %d", r.Status)
	}

	// "Add another question" sends the form back with one more row and everything kept.
	v = goodAppeal(apptest.CSRF(t, r.Body))
	v.Set("action", "add_question")
	r = postAppeal(t, s, c, v, nil)
	if r.Status != 200 || !strings.Contains(r.Body, `name="q2_subject"`) || !strings.Contains(r.Body, `value="Протікає дах"`) {
		t.Fatalf("add question: %d", r.Status)
	}
	if strings.Contains(r.Body, "Форму не надіслано") {
		t.Fatal("adding a question is not an error")
	}
	var n int64
	if err := s.App.DB.Table("appeals").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("refused forms registered %d appeals (%v)", n, err)
	}
}

func TestPostsNeedCSRFToken(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	for name, token := range map[string]string{"missing": "", "forged": "0f0f0f0f-forged-token"} {
		v := goodAppeal(token)
		if token == "" {
			v.Del("_csrf")
		}
		r := postAppeal(t, s, c, v, nil)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Сторінка застаріла") {
			t.Errorf("%s token: want 403 with a message, got %d", name, r.Status)
		}
	}
	if r := apptest.PostForm(t, c, s.Path("/auth/logout"), url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("sign-out without a token: want 403, got %d", r.Status)
	}
}

// The token comes from the body or a header, never from the URL, where logs, history and the Referer
// header would carry it.
func TestCSRFTokenIsNotTakenFromTheURL(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	token := apptest.CSRF(t, apptest.Get(t, c, s.Path("/account/notices")).Body)
	if r := apptest.PostForm(t, c, s.Path("/account/notices?_csrf="+url.QueryEscape(token)), url.Values{}); r.Status != http.StatusForbidden {
		t.Fatalf("a token in the query string: want 403, got %d", r.Status)
	}
	req, err := http.NewRequest(http.MethodPost, s.Path("/account/notices"), strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", token)
	if r := apptest.Do(t, c, req); r.Status != http.StatusSeeOther {
		t.Fatalf("the token in the X-CSRF-Token header: want 303, got %d", r.Status)
	}
	if r := apptest.PostForm(t, c, s.Path("/account/notices"), url.Values{"_csrf": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the token in the form: want 303, got %d", r.Status)
	}
}

// A signed-in person's form with files larger than the form limit is taken whole, chunked or with a
// length, and the files arrive intact.
func TestSignedInUploadOverTheFormLimit(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_MAX_FORM_KB": "64"})
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	for _, chunked := range []bool{true, false} {
		csrf := apptest.CSRF(t, apptest.Get(t, c, s.Path("/appeals/new")).Body)
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'7'}, 3<<20)...)
		ct, body := apptest.MultipartBody(t, goodAppeal(csrf), apptest.File{Field: "attachments", Name: "план.pdf", Data: pdf})
		var r io.Reader = body
		if chunked {
			r = struct{ io.Reader }{body} // no length known: the client sends chunks
		}
		req, err := http.NewRequest(http.MethodPost, s.Path("/appeals"), r)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		res := apptest.Do(t, c, req)
		if res.Status != http.StatusSeeOther || res.Location != "/appeals/check" {
			t.Fatalf("chunked=%v: want 303 to the check, got %d\n%.800s", chunked, res.Status, res.Body)
		}
		check := apptest.Get(t, c, s.Path("/appeals/check"))
		res = apptest.PostForm(t, c, s.Path("/appeals/send"), url.Values{"_csrf": {apptest.CSRF(t, check.Body)}})
		if res.Status != http.StatusSeeOther || !appealLink.MatchString(res.Location) {
			t.Fatalf("chunked=%v: want 303 to the appeal, got %d\n%.800s", chunked, res.Status, res.Body)
		}
		page := apptest.Get(t, c, s.Path(strings.TrimSuffix(res.Location, "/registered")))
		link := regexp.MustCompile(`href="(/appeals/\d+/attachments/\d+)"`).FindStringSubmatch(page.Body)
		if link == nil {
			t.Fatalf("chunked=%v: no attachment on the appeal page", chunked)
		}
		if got := apptest.Get(t, c, s.Path(link[1])); got.Body != string(pdf) {
			t.Fatalf("chunked=%v: the stored file differs: %d bytes, want %d", chunked, len(got.Body), len(pdf))
		}
	}
}

func TestOversizeBodyIsRefusedWithAMessage(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_MAX_ATTACHMENT_MB": "1", "HROMADA_MAX_ATTACHMENTS": "2"})
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	csrf := apptest.CSRF(t, form.Body)

	// One file over its own limit: the form comes back with the input kept.
	big := append([]byte("%PDF-1.4\n"), make([]byte, 1<<20+10)...)
	r := postAppeal(t, s, c, goodAppeal(csrf), map[string][]byte{"big.pdf": big})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Файл завеликий") ||
		!strings.Contains(r.Body, `value="Немає гарячої води"`) {
		t.Fatalf("file over its limit: %d", r.Status)
	}
	// A body over the whole limit: 413 with a page that says why.
	huge := append([]byte("%PDF-1.4\n"), make([]byte, 5<<20)...)
	r = postAppeal(t, s, c, goodAppeal(csrf), map[string][]byte{"huge.pdf": huge})
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "завеликий обсяг даних") {
		t.Fatalf("oversize body: want 413 with a message, got %d\n%.500s", r.Status, r.Body)
	}
}

func TestSecurityHeadersAndLanguage(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	r := apptest.Get(t, c, s.Path("/"))
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Error("CSP must not allow inline script or style")
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
		"X-Frame-Options": "DENY", "Cache-Control": "public, max-age=1"} { // the anonymous home page (public_test.go)
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(r.Body, "<script") || strings.Contains(r.Body, " style=") {
		t.Error("pages must carry no inline script or style")
	}
	for _, ck := range r.Header.Values("Set-Cookie") {
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("cookie without HttpOnly/SameSite: %s", ck)
		}
	}
	css := regexp.MustCompile(`href="(/static/css/app\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(r.Body)
	if css == nil {
		t.Fatal("no hashed stylesheet URL")
	}
	if a := apptest.Get(t, c, s.Path(css[1])); a.Status != 200 || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static asset: %d %q", a.Status, a.Header.Get("Cache-Control"))
	}

	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		r = apptest.Get(t, c, s.Path("/lang/en?next="+url.QueryEscape(next)))
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Errorf("language switch with next=%q: %d %q, want /", next, r.Status, r.Location)
		}
	}
	r = apptest.Get(t, c, s.Path("/"))
	if !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, "Electronic appeals to the council") {
		t.Fatalf("English was chosen:\n%.500s", r.Body)
	}
	if r := apptest.Get(t, c, s.Path("/lang/xx")); r.Status != http.StatusNotFound {
		t.Errorf("unknown language: %d", r.Status)
	}
	if h := apptest.Get(t, c, s.Path("/healthz")); h.Status != 200 || !strings.Contains(h.Body, `"database":"up"`) {
		t.Fatalf("healthz: %d %s", h.Status, h.Body)
	}
	if a := apptest.Get(t, c, s.Path("/admin/")); a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/auth/login") {
		t.Fatalf("/admin before sign-in: want a redirect to sign in, got %d %q", a.Status, a.Location)
	}
	if nf := apptest.Get(t, c, s.Path(fmt.Sprintf("/no-such-page-%d", 1))); nf.Status != 404 || !strings.Contains(nf.Body, "Page not found") {
		t.Fatalf("unknown page: %d", nf.Status)
	}
}

// Only a sign-in's callback writes a person into a session (with the row's person_id, which "sign out
// everywhere" finds): a request that starts a sign-in leaves its session signed out, so its save can never
// bring back, unmarked, a session that was ended on every device while it ran.
func TestStartingASignInLeavesTheSessionSignedOut(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	if r := apptest.Get(t, c, s.Path("/auth/login?next=/appeals")); r.Status != http.StatusSeeOther {
		t.Fatalf("start a sign-in: %d", r.Status)
	}
	if r := apptest.Get(t, c, s.Path("/appeals")); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth/login") {
		t.Errorf("still signed in after starting a new sign-in: %d %q", r.Status, r.Location)
	}
}
