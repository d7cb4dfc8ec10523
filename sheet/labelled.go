package sheet

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tian"
)

// Labelled is a text with a label, for training and evaluating models.
type Labelled struct {
	Title string // the first text column
	Body  string // the other text columns, joined by newlines
	Label string
}

// ReadLabelled reads labelled texts. A .txt or .tsv file without textCols
// is read as lines of text<TAB>label with no header (as THUCNews ships);
// any other table names its text columns and label column by header.
func ReadLabelled(path string, textCols []string, labelCol string) ([]Labelled, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if len(textCols) == 0 && (ext == ".txt" || ext == ".tsv") {
		return readPlainTSV(path)
	}
	if len(textCols) == 0 || labelCol == "" {
		return nil, tian.Errorf(tian.EINVALID, "%s：请用 --text 指定文本列，用 --label 指定标签列", path)
	}
	var out []Labelled
	var missing []string
	wants := func(h string) bool { return h == cleanHeader(labelCol) || slices.Contains(textCols, h) }
	err := eachRow(path, osOpener(path), wants, func(src source, row int, vals map[string]string) error {
		if out == nil && missing == nil {
			have := map[string]bool{}
			for _, h := range src.headers() {
				have[h] = true
			}
			for _, c := range append(append([]string(nil), textCols...), labelCol) {
				if !have[cleanHeader(c)] {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				return fileErr(path, "没有 %s 列（现有的列：%s）", strings.Join(missing, "、"), strings.Join(src.headers(), "、"))
			}
		}
		l := Labelled{Label: strings.TrimSpace(vals[cleanHeader(labelCol)]), Title: strings.TrimSpace(vals[cleanHeader(textCols[0])])}
		var body []string
		for _, c := range textCols[1:] {
			body = append(body, strings.TrimSpace(vals[cleanHeader(c)]))
		}
		l.Body = strings.Join(body, "\n")
		if l.Label == "" {
			return &tian.RowError{File: path, Row: row, Column: labelCol, Message: "标签为空"}
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

func readPlainTSV(path string) ([]Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readErr(path, err)
	}
	defer f.Close()
	var out []Labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		i := strings.LastIndex(text, "\t")
		if i < 0 || strings.TrimSpace(text[i+1:]) == "" {
			return nil, &tian.RowError{File: path, Row: line, Message: "格式应为 文本<TAB>标签"}
		}
		out = append(out, Labelled{Title: text[:i], Label: strings.TrimSpace(text[i+1:])})
	}
	if err := sc.Err(); err != nil {
		return nil, readErr(path, err)
	}
	return out, nil
}
