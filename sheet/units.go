package sheet

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"

	"tian"
)

var unitFields = []Field{
	{"name", "单位", []string{"unit", "单位", "单位名称", "名称", "承办单位"}},
	{"kind", "类型", []string{"类型", "单位类型", "性质"}},
	{"duties", "职责", []string{"职责", "主要职责", "职能"}},
	{"aliases", "别名", []string{"别名", "曾用名", "简称"}},
}

// ReadUnits reads a table of undertaking units: name, kind, duties and
// aliases (former names and short forms, separated by 、).
func ReadUnits(path string) ([]tian.Unit, error) {
	return readUnits(path, osOpener(path))
}

// ReadUnitsFS reads a unit table from a file system.
func ReadUnitsFS(fsys fs.FS, name string) ([]tian.Unit, error) {
	return readUnits(name, fsOpener(fsys, name))
}

func readUnits(path string, op opener) ([]tian.Unit, error) {
	var units []tian.Unit
	var m map[string]string
	err := eachRow(path, op, unitHeader, func(src source, row int, vals map[string]string) error {
		if m == nil {
			m = unitMapping(src.headers())
			if _, ok := m["name"]; !ok {
				return fileErr(path, "缺少必需的列：单位（表头可为：unit、单位名称、名称）")
			}
		}
		u := tian.Unit{
			Name:    strings.TrimSpace(vals[m["name"]]),
			Kind:    strings.TrimSpace(vals[m["kind"]]),
			Duties:  strings.TrimSpace(vals[m["duties"]]),
			Aliases: splitUnits(vals[m["aliases"]]),
		}
		if u.Name == "" {
			return &tian.RowError{File: path, Row: row, Column: src.column(m["name"]), Message: "单位名称为空"}
		}
		units = append(units, u)
		return nil
	})
	return units, err
}

// unitHeader reports whether a header is one a unit field takes.
func unitHeader(h string) bool {
	for _, f := range unitFields {
		if f.Name == h || slices.Contains(f.Aliases, h) {
			return true
		}
	}
	return false
}

// eachRow calls fn for every non-empty data row of a table whose header
// row is the one with the most headers wants knows.
func eachRow(path string, op opener, wants func(string) bool, fn func(src source, row int, vals map[string]string) error) error {
	src, err := open(path, "", op, wants)
	if err != nil {
		return err
	}
	defer src.Close()
	for {
		row, vals, err := src.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(src, row, vals); err != nil {
			return err
		}
	}
}

func unitMapping(headers []string) map[string]string {
	have := map[string]bool{}
	for _, h := range headers {
		have[h] = true
	}
	out := map[string]string{}
	for _, f := range unitFields {
		for _, h := range append([]string{f.Name}, f.Aliases...) {
			if have[h] {
				out[f.Name] = h
				break
			}
		}
	}
	return out
}

// ReadCategoriesFS reads a label set from a file system.
func ReadCategoriesFS(fsys fs.FS, name string) ([]tian.Category, error) {
	return readCategories(name, fsOpener(fsys, name))
}

func readCategories(path string, op opener) ([]tian.Category, error) {
	var out []tian.Category
	err := eachRow(path, op, func(h string) bool { return slices.Contains([]string{"code", "name", "类别", "名称"}, h) }, func(_ source, row int, vals map[string]string) error {
		c := tian.Category{Code: strings.TrimSpace(vals["code"]), Name: strings.TrimSpace(first(vals, "name", "类别", "名称")),
			Scope: strings.TrimSpace(first(vals, "scope", "范围", "议题"))}
		if c.Name == "" {
			return &tian.RowError{File: path, Row: row, Column: "name", Message: "类别名称为空"}
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func first(vals map[string]string, keys ...string) string {
	for _, k := range keys {
		if v, ok := vals[k]; ok {
			return v
		}
	}
	return ""
}
