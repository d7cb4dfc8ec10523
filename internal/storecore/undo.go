package storecore

import (
	"fmt"
	"strings"

	"tian"
)

// UndoConflict is a proposal of a batch that changed after it.
type UndoConflict struct {
	Number, Why string
	Later       []string // later batches that wrote it
}

// UndoConflictMessage says, in Chinese, why batch b cannot be undone:
// the proposals that changed after it (and the later batches that
// changed them, to undo first), and the proposals merged into one it
// added.
func UndoConflictMessage(b tian.Batch, conflicts []UndoConflict, later []string, merged []string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "无法撤销第%d批导入“%s”", b.ID, b.File)
	if len(conflicts) > 0 {
		fmt.Fprintf(&sb, "：其中%d件提案在这批导入之后又有改动：", len(conflicts))
		for i, c := range conflicts {
			if i == 10 {
				fmt.Fprintf(&sb, "……等%d件", len(conflicts))
				break
			}
			if i > 0 {
				sb.WriteString("、")
			}
			sb.WriteString(c.Number + "（")
			if len(c.Later) > 0 {
				sb.WriteString("此后被" + strings.Join(c.Later, "、") + "更新")
			} else {
				sb.WriteString(c.Why)
			}
			sb.WriteString("）")
		}
	}
	if len(merged) > 0 {
		if len(conflicts) > 0 {
			sb.WriteString("；")
		} else {
			sb.WriteString("：")
		}
		fmt.Fprintf(&sb, "这批导入新增的提案有其他提案并入（%s）", strings.Join(firstN(merged, 10), "、"))
	}
	if len(later) > 0 {
		sb.WriteString("。请先撤销" + strings.Join(later, "、") + "，再撤销这一批")
	} else {
		sb.WriteString("。撤销会丢失这些改动，未执行")
	}
	sb.WriteString("。")
	return sb.String()
}

func firstN(xs []string, n int) []string {
	if len(xs) > n {
		return append(xs[:n:n], "……")
	}
	return xs
}

// AlreadyUndone refuses to undo a batch twice.
func AlreadyUndone(b tian.Batch) error {
	return tian.Errorf(tian.ECONFLICT, "第%d批导入“%s”已于%s由%s撤销", b.ID, b.File, b.UndoneAt, b.UndoneBy)
}

// UndoDetail is the audit line's detail of an undo.
func UndoDetail(rep *tian.UndoReport) string {
	return fmt.Sprintf("file %s, removed %d, restored %d", rep.Batch.File, len(rep.Removed), len(rep.Restored))
}
