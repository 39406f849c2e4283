resource "terraform_data" "x" {
  for_each = toset(["one", "two"])
  input    = each.key
}

module "m" {
  source = "./m"
}

output "keys" {
  value = keys(terraform_data.x)
}
