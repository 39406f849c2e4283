resource "terraform_data" "cfg" {
  input = ["now", "a", "list"]
}

resource "terraform_data" "str" {
  input = null
}

resource "terraform_data" "dependent" {
  input = terraform_data.str.output
}

output "name" {
  value = terraform_data.cfg.output[0]
}
