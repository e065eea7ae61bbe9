import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCompanies1764331200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        siret varchar(14) NOT NULL UNIQUE,
        name varchar NOT NULL,
        naf_code varchar(6) NOT NULL,
        naf_revision varchar(7) NOT NULL,
        academy_code varchar(2) NOT NULL,
        commune_insee varchar(5) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE companies');
  }
}
