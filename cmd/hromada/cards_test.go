package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `hromada import cards` prints the preview, writes nothing with -check, imports once, and refuses a file
// with a bad row whole, naming its line and column.
func TestImportCardsCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(dir, "h.db"))
	if err := run([]string{"migrate"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	day := time.Now().AddDate(0, 0, -1).Format("02.01.2006") + " 09:00"
	header := "\ufeffНомер картки;Дата реєстрації;Прізвище;Ім'я;Адреса;Текст звернення;Тематика;Тип звернення\r\n"
	row := func(number, kind string) string {
		return number + ";" + day + ";Коваленко;Олена;м. Зразкове, вул. Соборна, 1;Немає гарячої води третій тиждень.;09;" + kind + "\r\n"
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("1545.csv", header+row("1545-1", "Скарга")+row("1545-2", "Заява"))
	var out bytes.Buffer
	if err := run([]string{"import", "cards", "-source", "1545", "-check", good}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "+ рядок 2 1545-1") || !strings.Contains(out.String(), "Буде додано: 2") {
		t.Errorf("the preview:\n%s", out.String())
	}
	out.Reset()
	if err := run([]string{"import", "cards", "-source", "1545", good}, &out); err != nil || !strings.Contains(out.String(), "Додано: 2") {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run([]string{"import", "cards", "-source", "1545", "-lang", "en", good}, &out); err != nil ||
		!strings.Contains(out.String(), "To be added: 0; Already in the registry: 2") {
		t.Errorf("the same file again: %v\n%s", err, out.String())
	}
	bad := write("bad.csv", header+row("1545-3", "Скарга")+row("1545-4", "Лист"))
	out.Reset()
	if err := run([]string{"import", "cards", "-source", "1545", bad}, &out); err == nil ||
		!strings.Contains(out.String(), "рядок 3, Тип звернення: значення «Лист» немає у відповідності профілю") {
		t.Errorf("a bad row: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run([]string{"import", "cards", "-source", "1545", "-check", good}, &out); err != nil || !strings.Contains(out.String(), "Буде додано: 0") {
		t.Errorf("after the refused file: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"import", "cards", good}, {"import", "cards", "-source", "1545"}} {
		if err := run(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "hromada import cards") {
			t.Errorf("%v: %v", args, err)
		}
	}
	// The results back: nothing is answered yet, so the header alone, in the profile's layout.
	today := time.Now().Format("2006-01-02")
	out.Reset()
	if err := run([]string{"results", "-source", "1545", "-from", today, "-to", today, "-format", "csv"}, &out); err != nil ||
		out.String() != "\ufeffНомер картки;Результат розгляду;Дата відповіді;Вихідний номер відповіді;Текст відповіді;Виконавець\r\n" {
		t.Errorf("results: %v %q", err, out.String())
	}
	xlsx := filepath.Join(dir, "results.xlsx")
	if err := run([]string{"results", "-source", "oda", "-from", today, "-to", today, "-o", xlsx}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("results.xlsx: %v", err)
	}
	for _, args := range [][]string{{"results", "-source", "1545"}, {"results", "-source", "1545", "-from", today, "-to", "2000-01-01"},
		{"results", "-source", "1545", "-from", today, "-to", today, "-format", "pdf"}} {
		if err := run(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage: hromada results") {
			t.Errorf("%v: %v", args, err)
		}
	}
	if err := run([]string{"import", "cards", "-source", "nope", good}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "джерела") {
		t.Errorf("an unknown source: %v", err)
	}
}
