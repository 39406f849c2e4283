resource "terraform_data" "cfg" {
  input = {
    name  = "alpha"
    tags  = ["x", "y"]
    inner = { level = 1, keep = "same" }
  }
}

resource "terraform_data" "str" {
  input = "before"
}

resource "terraform_data" "dependent" {
  input = terraform_data.str.output
}

output "name" {
  value = terraform_data.cfg.output.name
}
