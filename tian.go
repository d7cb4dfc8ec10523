// Package tian holds the domain of a proposal office of a Chinese CPPCC
// committee (政协提案委员会): proposals, categories, undertaking units, the
// tokens the language pipeline produces, and the interfaces between the
// parts that turn text into suggestions.
//
// The root package imports only the standard library. Implementations live
// in packages named for what they wrap (segment wraps gse, index wraps
// bleve, …) and meet here through interfaces; cmd/tian wires them together.
package tian

// Version is the release of tian; cmd/tian prints it with the build details.
const Version = "0.1.0"
