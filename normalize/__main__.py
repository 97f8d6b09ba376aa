from normalize.cli import main

main()
