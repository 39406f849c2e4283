moved {
  from = foo
  to   = terraform_data.b
}
