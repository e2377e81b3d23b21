package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(dir, "h.db"))
	if err := run([]string{"migrate"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The way Ukrainian Excel saves: a byte order mark and ";" between cells.
	good := write("реєстр.csv", "\ufeffreg_number;received_at;channel;type;author_name;subjects;summary\r\n"+
		"К-5/24;2024-03-04;phone;complaint;Коваленко Олена Петрівна;09;Немає гарячої води\r\n"+
		"ВХ-117;2024-03-05;mail;application;Бондар Іван;06;\"Прошу відремонтувати дах; тече\"\r\n")
	var out bytes.Buffer
	if err := run([]string{"import", "appeals", good}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Імпортовано звернень: 2, уже були в реєстрі: 0 (рядків у файлі: 2).\n" {
		t.Fatalf("first import: %q", got)
	}
	out.Reset()
	if err := run([]string{"import", "appeals", "-lang", "en", good}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Appeals imported: 0, already in the registry: 2 (rows in the file: 2).\n" {
		t.Fatalf("second import: %q", got)
	}

	bad := write("bad.csv", "reg_number,received_at,channel,type,author_name,subjects,summary\n"+
		"К-6/24,2024-03-04,fax,complaint,Коваленко Олена,09,Суть\n"+
		"К-7/24,04.03.2024,phone,complaint,Коваленко Олена,09,Суть\n")
	out.Reset()
	err := run([]string{"import", "appeals", bad}, &out)
	if err == nil || !strings.Contains(err.Error(), "Файл не імпортовано") || !strings.Contains(err.Error(), "Проблем: 2") {
		t.Fatalf("a bad file: %v", err)
	}
	for _, want := range []string{"рядок 2, канал (channel): невідоме значення «fax»",
		"рядок 3, дата надходження (received_at): дата «04.03.2024» не читається"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run([]string{"import", "appeals", "-lang=en", bad}, &out); err == nil ||
		!strings.Contains(out.String(), `line 2, channel (channel): unknown value "fax"`) {
		t.Errorf("English report: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"import"}, {"import", "petitions", good}, {"import", "appeals"}} {
		if err := run(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage: hromada import appeals") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
