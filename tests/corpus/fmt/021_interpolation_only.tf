resource "aws_instance" "web" {
  ami = "${var.ami}"
  count = "${var.count}"
  name = "${var.prefix}-web"
  tags = "${merge(var.tags, map("Name", "web"))}"
  two = "${var.a}${var.b}"
  nested = "${lookup(var.m, "${var.k}")}"
  spaced = "${ var.x }"
  multi = "${
    var.a
  }"
  multi_cond = "${var.a ?
  var.b : var.c}"
  paren = "${(var.a
  + var.b)}"
  obj = "${ {a = 1} }"
  with_comment = "${var.a}" # keep comment
  inner_lit = "${"literal"}"
  in_list = ["${var.a}", "${var.b}"]
  nested_block {
    x = "${var.x}"
  }
}
