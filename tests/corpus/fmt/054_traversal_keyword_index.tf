locals {
  # the formatter keeps only number and string keys of reference index steps
  by_null = var.map[null]
  by_bool = var.flags[ true ]
  in_template = "${var.x[false]} and ${var.y[0]}"
  iterator_kept = [for v in var.l : v[null]]
  splat_after = var.list[*][null]
  commented = var.x[ /* gone */ null ] # stays
  multiline = var.x[
    null
  ]
  number_key = var.x[0]
  string_key = var.x["k"]
}
