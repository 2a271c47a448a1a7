// Package examples holds runnable programs that show how an agency system
// embeds ssj (示例), and the bundled sample district under examples/data.
package examples
