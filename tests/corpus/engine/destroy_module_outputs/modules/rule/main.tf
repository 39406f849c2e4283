variable "source_security_group_id" {
  type = string
}

variable "copies" {
  type = number
}

resource "terraform_data" "rule" {
  input = "rule-for-${var.source_security_group_id}"
}

resource "terraform_data" "copy" {
  count = var.copies
  input = "${terraform_data.rule.output}-${count.index}"
}

output "rule_id" {
  value = terraform_data.rule.output
}
