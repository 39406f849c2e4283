resource "aws_security_group" "sg" {
  name = "sg"
  dynamic "ingress" {
    for_each = var.ingress_rules
    iterator = rule
    content {
      from_port = rule.value.from
      to_port = rule.value.to
      protocol = rule.value.proto
      cidr_blocks = rule.value.cidrs
    }
  }
  dynamic "egress" {
  for_each = var.egress_rules
  content {
  from_port = egress.value["from"]
  to_port = egress.value["to"]
  protocol = "-1"
  }
  }
}
