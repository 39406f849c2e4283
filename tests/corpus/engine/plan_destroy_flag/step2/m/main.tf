resource "terraform_data" "inner" {
  input = "inner"
}

output "inner" {
  value = terraform_data.inner.output
}
