resource "terraform_data" "hello" {
  input = "hello, world"
}

output "id" {
  value = terraform_data.hello.id
}

output "echo" {
  value = terraform_data.hello.output
}
