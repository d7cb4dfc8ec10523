package segment_test

import (
	"fmt"
	"strings"

	"tian"
	"tian/segment"
)

func Example() {
	s, err := segment.New(segment.DefaultConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "健全一老一小服务体系，培育专精特新企业"
	var exact, search []string
	for _, t := range s.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropPunct: true}) {
		exact = append(exact, t.Text)
	}
	for _, t := range s.Cut(text, tian.CutOptions{Mode: tian.ModeSearch, DropPunct: true}) {
		search = append(search, t.Text)
	}
	fmt.Println(strings.Join(exact, " "))
	fmt.Println(strings.Join(search, " "))
	// Output:
	// 健全 一老一小 服务 体系 培育 专精特新 企业
	// 健全 一老一小 一老 一小 服务 体系 培育 专精特新 专精 特新 企业
}
