// Package vocab finds the new words of a committee's proposals (新词发现):
// strings of 2–8 Han characters that behave like words but that no loaded
// dictionary holds, such as 首发经济, 两重两新, 多规合一 and 保交楼, which
// the segmenter would otherwise cut into pieces. Staff accept or reject
// them; accepted words join the committee's dictionary.
//
// # Counting
//
// The texts become one sequence of runs: a run is a stretch of Han
// characters between punctuation and spaces, in which a run of ASCII digits
// stands as one number symbol and a run of ASCII letters as one letter
// symbol. No candidate crosses a run's end or holds a symbol, but symbols
// are context: 个月 in 3个月 follows a number, not a boundary. So terms
// holding Latin letters or digits (5G基站, A级景区) are not found; their Han
// part may be. Two suffix
// arrays (sorted to depth MaxLen+1, one over the runs read forwards and one
// backwards) give every n-gram's frequency, the texts it occurs in, and the
// characters that follow and precede it, in one pass per length: an n-gram
// is a range of sorted suffixes, and its neighbours are adjacent inside the
// range. This is Yamamoto and Church's use of suffix arrays for term and
// document frequency of all substrings (Computational Linguistics 27(1),
// 2001). The whole demo corpus (1,570 proposals, 1.4 MB of title and body)
// takes about a second of CPU and allocates about 60 MB
// (BenchmarkDiscoverDemo); both grow in proportion to the text.
//
// # Measures
//
//   - Cohesion: the pointwise mutual information of the weakest binary
//     split, min over w = a·b of ln(P(w) / (P(a)·P(b))), with probabilities
//     per character of the corpus. A word's parts occur together far more
//     often than chance at every split; 推进城 does not at 推进|城.
//   - Branching entropy: the entropy (nats) of the character before and of
//     the character after an occurrence; a run's end counts as a new
//     neighbour each time. A word is free at both ends; 首发经 is always
//     followed by 济 (right entropy 0).
//   - Burstiness: Church and Gale's residual IDF, the observed IDF less
//     the IDF a Poisson distribution of the same frequency predicts
//     (bits). Function phrases such as 给予奖励 or 不知道 spread over the
//     texts like Poisson (residual IDF near 0); terms come in bursts, being
//     repeated in the texts about their topic.
//
// # Filters
//
// A candidate occurs at least MinFreq times and is dropped when: known
// says it is a word; it starts with a function character (的 了 和 与 及 是
// 在 对 等 把 被 为 也 都 而, and pronouns, adverbs and prepositions of the
// same kind such as 我 这 已 仍 从 给), or ends with one that is not part of
// a word at its end (碳中和 stays: 中和 is a word); it holds 的 or 是 (问题的提案,
// 一是建立); it opens with a function word (关于, 目前, 根据, 建议, …); it
// starts with a suffix morpheme (级医院, 性亏损); it is a known word plus a
// particle (工作中); it is made of numerals and measure words only (二〇二三年,
// 三个月, 七成以上); or it lies inside a longer candidate that holds at least
// 90% of its occurrences (首发经 inside 首发经济: the maximal string wins).
//
// # Score
//
//	score = ln(freq) × cohesion × min(left, right entropy) × (1 + max(residual IDF, 0))
//
// Cohesion and branching are the two sides of wordhood (inside tight, edges
// free), so they multiply and the weaker edge counts. Frequency enters as
// its logarithm: it is evidence that grows by orders of magnitude, and
// raw frequency would rank the commonest phrases first. Burstiness
// multiplies as a bonus only: a term evenly spread is not penalised, a
// bursty one is raised. The form was chosen on the 2021–2022 proposals
// alone, by recall@300 of the terms removed in the same ablation run on
// those years (195 targets), with an eye on the fragments in the list:
//
//	freq^a × exp(cohesion) × min entropy, a = 1 or ½     0.34–0.36 *
//	ln(docs) × cohesion × min entropy                      0.37 *
//	ln(freq) × cohesion × min entropy                      0.415
//	  × (1 + residual IDF), the chosen form                0.456
//	  × (½ + residual IDF)                                 0.467
//	  √freq or ln²(freq) in place of ln(freq)              0.456, 0.436
//	  mean in place of min entropy                         0.446
//
// (* measured when the targets were counted as substrings, 202 of them, and
// the chosen form had 0.450.) With Options.Lexicon (the domain's terms:
// the ablated domain dictionary in the measure) the score is multiplied by
// an edge prior, 1 + 0.2 × (ln(1 + terms beginning with the candidate's
// first character) + ln(1 + terms ending with its last)): 0.467 → 0.508 on
// 2021–2022. A logistic prior fitted on the corpus's known (zh_s) words
// against the other strings was worse (0.12–0.45): it learns general
// two-character words, not a committee's terms. (1 + ·) was kept over (½ + ·): two terms of 195 are within noise, and it
// does not penalise an evenly spread term. Ties are broken by the
// word, so the order is deterministic.
//
// # Measurement
//
// The ablation (TIAN_SLOW=1 go test ./vocab -run Ablation -v) removes from
// the domain dictionary the terms that occur as words at least three times
// in the demo corpus (tokens of the full segmenter: 特新, seen only inside
// 专精特新, is not removed), 421 terms; 91 of them remain words through
// zh_s, so are not new after the ablation and are left out of the count:
// 330 terms to find. Discovery over all 1,570 proposals, measured once
// after the choices above:
//
//	without the prior: recall@100 0.145   recall@300 0.309   recall@1000 0.609   over all 16,654 candidates 0.952
//	                   precision@100 0.970   precision@300 0.927 (testdata/vocab_judged.tsv)
//	with the prior:    recall@100 0.155   recall@300 0.345   recall@1000 0.606
//	                   precision@100 0.980   precision@300 0.917
//
// The run (all 16,654 candidates with their examples) took 2–4 s of wall
// time on a shared, loaded 2-core machine.
//
// The issue asks recall@300 ≥ 0.6 and this ablation does not reach it. The
// list is words (275 of the top 300 with the prior), but only 114 of them
// are removed dictionary terms; the other 161 are words the domain
// dictionary never held (首店, 安宁疗护, 算力, 非遗工坊, 网格员, 应收账款,
// 首发经济, …), which a committee wants as much. Of the targets left out on
// 2021–2022, 95 of 104 are ranked but low: they occur 3–6 times, and at
// frequency f the branching entropy is at most ln f; 6 always have the same
// neighbour on one side (知识产权质押, the rule that also drops fragments
// like 首发经); 3 are out of reach by design (A级景区 holds Latin letters,
// two committee names are longer than 8 characters). No filter or
// normalisation loses them. With 330 targets and that many other words in
// the corpus, 300 places cannot hold 60% of the targets unless the ranking
// knew which words the dictionary's authors chose; recall reaches 0.6 at
// the top 1,000.
package vocab
