resource "terraform_data" "size" {
  input = 2
}

resource "terraform_data" "copies" {
  count = terraform_data.size.output
  input = count.index
}
