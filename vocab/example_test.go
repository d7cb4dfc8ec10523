package vocab_test

import (
	"context"
	"fmt"
	"strings"

	"tian/vocab"
)

func ExampleDiscover() {
	texts := []string{
		"关于加快推进保交楼工作的提案。建议市住建局牵头，把保交楼项目纳入重点督办。",
		"部分保交楼项目进度滞后，购房群众意见较大。保交楼资金应当专款专用。",
		"关于发展首店经济的提案。首店经济能带动消费，建议对首店给予奖励。",
		"我市首店数量偏少，引进首店的政策不够具体。推进保交楼和首店引进要两手抓。",
	}
	known := func(w string) bool {
		return strings.Contains(" 关于 加快 推进 工作 提案 建议 项目 经济 发展 消费 政策 引进 ", " "+w+" ")
	}
	cands, err := vocab.Discover(context.Background(), texts, known, vocab.Options{Limit: 2, Examples: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cands {
		fmt.Println(c.Word, c.Freq, c.Docs, c.Examples)
	}
	// Output:
	// 首店 6 2 [关于发展首店经济的提案。首店…]
	// 保交楼 5 3 [关于加快推进保交楼工作的提案。建议…]
}
