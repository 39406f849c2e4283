resource "terraform_data" "stays" {
  input = "stays"
}
