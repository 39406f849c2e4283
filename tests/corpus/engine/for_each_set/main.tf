variable "names" {
  type    = set(string)
  default = ["zeta", "alpha", "mid"]
}

resource "terraform_data" "n" {
  for_each = var.names
  input    = upper(each.value)
}

resource "terraform_data" "derived" {
  for_each = terraform_data.n
  input    = "${each.key}:${each.value.input}"
}

output "keys" {
  value = keys(terraform_data.n)
}

output "derived" {
  value = { for k, v in terraform_data.derived : k => v.input }
}
